package io.rnnc.cli;

/** Placeholder while the module is built up. */
public final class Main {
    public static void main(String[] args) {
    }
}
