/**
 * The recurrent cell kinds as data and code: one {@link io.rnnc.compiler.cell.Cell} subclass per kind
 * (simple RNN tanh/relu, LSTM, GRU) owns its gate count and order, the states it carries (h, and c for
 * LSTM), the buffers it needs beyond the shared ones, its equations (for comments), and the code of its
 * forward step and backward step in both precisions, as calls of the runtime's
 * {@link io.rnnc.runtime.math.Cells} helpers. The planner ({@code plan}) asks a cell which buffers to lay
 * out; the emitters ({@code codegen}) ask it for its step code, and the generation step runs the very same
 * forward code as training, so both compute the same bits.
 *
 * <p><b>Adding a cell kind</b> (e.g. a minimal gated unit):
 * <ol>
 *   <li>here, a new {@code Cell} subclass, registered in {@link io.rnnc.compiler.cell.Cell#of};</li>
 *   <li>in the runtime, its elementwise helpers in {@code Cells} (float32 and float64 forms; float32 vector
 *       forms in {@code ArrayOps}/{@code VectorArrayOps} if the plain loop is too slow).</li>
 * </ol>
 * The spec language needs its keyword too ({@code CellType} and the front end), and until the CLI reads
 * {@link io.rnnc.compiler.cell.Cell#storedPerUnit} and {@link io.rnnc.compiler.cell.Cell#forwardFlops}, its
 * memory and summary tables switch on {@code CellType}.
 */
package io.rnnc.compiler.cell;
