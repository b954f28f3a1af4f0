package io.rnnc.spark;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One epoch's training data arranged for the steps: partition {@code s} holds shard {@code s} of every step,
 * in step order, as one array cached on the executor that built it. Building it is one Spark shuffle per
 * epoch (the plain trainer's shuffle, done by Spark); the steps then read their rows where they are.
 */
final class EpochShards implements AutoCloseable {

    private final JavaRDD<Sample[]> shards;
    private final Broadcast<int[]> positions;

    /**
     * @param indexed the training samples keyed by their dataset index (0..n-1)
     */
    EpochShards(JavaSparkContext sc, JavaPairRDD<Long, Sample> indexed, EpochLayout layout, long seed, int epoch) {
        positions = sc.broadcast(layout.positions(seed, epoch));
        Broadcast<int[]> pos = positions;
        JavaPairRDD<Integer, Sample> placed = indexed.mapToPair(t -> new Tuple2<>(pos.value()[(int) (long) t._1], t._2));
        shards = placed.repartitionAndSortWithinPartitions(new ShardPartitioner(layout))
                .mapPartitions(EpochShards::toArray, true)
                .persist(StorageLevel.MEMORY_ONLY());
        long built = shards.count();
        if (built != layout.shards()) {
            throw new IllegalStateException("arranged " + built + " shards, expected " + layout.shards());
        }
    }

    private static Iterator<Sample[]> toArray(Iterator<Tuple2<Integer, Sample>> rows) {
        List<Sample> list = new ArrayList<>();
        rows.forEachRemaining(t -> list.add(t._2));
        return List.<Sample[]>of(list.toArray(new Sample[0])).iterator();
    }

    JavaRDD<Sample[]> rdd() {
        return shards;
    }

    @Override
    public void close() {
        shards.unpersist(false);
        positions.destroy();
    }

    /** Epoch position p goes to partition {@link EpochLayout#shardOf}. */
    static final class ShardPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final EpochLayout layout;

        ShardPartitioner(EpochLayout layout) {
            this.layout = layout;
        }

        @Override
        public int numPartitions() {
            return layout.shards();
        }

        @Override
        public int getPartition(Object key) {
            return layout.shardOf((Integer) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ShardPartitioner p && p.layout.batchSize() == layout.batchSize()
                    && p.layout.shardRows() == layout.shardRows() && p.layout.samples() == layout.samples();
        }

        @Override
        public int hashCode() {
            return layout.batchSize() * 31 + layout.shardRows();
        }
    }
}
