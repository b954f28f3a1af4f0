package io.rnnc.spark;

import io.rnnc.runtime.Batch;
import io.rnnc.runtime.data.Batches;
import io.rnnc.runtime.data.Dataset;
import io.rnnc.runtime.data.SampleLayout;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EpochLayoutTest {

    /** A dataset of n samples whose one feature is the sample's index. */
    private record Indexed(int size) implements Dataset {
        @Override
        public SampleLayout layout() {
            return new SampleLayout(false, new int[] {1}, 0, true, new int[] {1}, 1, "indices");
        }

        @Override
        public void fill(int index, Batch batch, int slot) {
            batch.features[slot] = index;
        }
    }

    @Test
    void partitionsHoldEachStepsShardInStepOrderAsThePlainTrainerCutsTheEpoch() {
        int samples = 200;
        int batch = 96;
        int shard = 64;
        EpochLayout layout = new EpochLayout(samples, batch, shard);
        assertEquals(3, layout.steps());
        assertEquals(2, layout.shards());
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] pos = layout.positions(5, epoch);
            // What EpochShards builds: partition s holds, in position order, the samples whose position falls in shard s
            List<List<Integer>> partitions = List.of(new ArrayList<>(), new ArrayList<>());
            int[] byPosition = new int[samples];
            for (int i = 0; i < samples; i++) {
                byPosition[pos[i]] = i;
            }
            for (int p = 0; p < samples; p++) {
                partitions.get(layout.shardOf(p)).add(byPosition[p]);
            }
            Batches plain = new Batches(new Indexed(samples), batch, true, 5);
            plain.startEpoch(epoch);
            for (int b = 0; b < layout.steps(); b++) {
                int row = 0;
                for (int s = 0; s < layout.shards(); s++) {
                    for (int r = 0; r < layout.shardRows(b, s); r++) {
                        assertEquals(plain.index(b * batch + row), partitions.get(s).get(layout.offset(b, s) + r),
                                "epoch " + epoch + " step " + b + " row " + row);
                        row++;
                    }
                }
                assertEquals(layout.stepRows(b), row);
            }
        }
        assertEquals(8, layout.stepRows(2));
        assertEquals(8, layout.shardRows(2, 0));
        assertEquals(0, layout.shardRows(2, 1));
    }

    @Test
    void theDefaultShardSpreadsTheChunksOverTheCores() {
        assertEquals(32, SparkTrainer.defaultShardRows(64, 32, 2));
        assertEquals(128, SparkTrainer.defaultShardRows(256, 32, 2));
        assertEquals(64, SparkTrainer.defaultShardRows(96, 32, 2));
        assertEquals(96, SparkTrainer.defaultShardRows(96, 32, 1));
        assertEquals(32, SparkTrainer.defaultShardRows(64, 32, 16));
    }
}
