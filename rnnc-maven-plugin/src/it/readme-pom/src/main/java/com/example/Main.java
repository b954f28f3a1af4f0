package com.example;

import io.rnnc.runtime.Batch;

/** Trains the generated Xor for a few steps: the generated class compiles and links against the runtime. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Xor model = new Xor();
        Batch batch = Batch.forModel(model.info(), 4);
        double[][] x = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        for (int r = 0; r < 4; r++) {
            batch.features[2 * r] = x[r][0];
            batch.features[2 * r + 1] = x[r][1];
            batch.targets[r] = x[r][0] != x[r][1] ? 1 : 0;
        }
        for (int step = 0; step < 300; step++) {
            model.trainStep(batch);
        }
        System.out.println("loss " + model.evaluate(batch));
    }
}
