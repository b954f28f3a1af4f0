package io.rnnc.compiler.plan;

import io.rnnc.compiler.model.CellType;

/**
 * Everything the emitter needs for one recurrent layer: its sizes as constant names, its parameters'
 * offset constants, and the buffers it reads and writes. All activation buffers are time-major with
 * a row stride of the live batch size {@code n}, so step t's block is contiguous.
 *
 * @param name         method-name stem: {@code layer0}, {@code encoderLayer1}
 * @param h            size constant of the hidden width ({@code H0})
 * @param hs           size constant of the row stride of dhNextBuf ({@code HS0}): H padded like gs
 * @param g            size constant of the gate rows G·H ({@code G0})
 * @param gs           size constant of the row stride of the gate buffers ({@code GS0}): G rounded up to
 *                     whole vectors in float32 ({@code Layout.padded(G)}), so the products into them store
 *                     whole vectors; the padding columns are scratch, never read as data
 * @param in           size constant of the input width ({@code IN0})
 * @param wIh          offset constants of the four parameters
 * @param hBuf         {@code [T + 1, n, H]}: slot 0 = initial state, slot t+1 = h_t
 * @param cBuf         LSTM: {@code [T + 1, n, H]} cell states like hBuf; else null
 * @param tcBuf        LSTM: {@code [T, n, H]} tanh(c_t); else null
 * @param gateBuf      {@code [T, n, GS]}: gate pre-activations, then activations after the step's fused pass
 * @param hnBuf        GRU: {@code [T, n, H]} W_hn h_{t-1} + b_hn; else null
 * @param recBuf       GRU: {@code [n, GS]} scratch for h_{t-1}·W_hhᵀ; else null
 * @param dGateBuf     {@code [T, n, GS]}: d loss / d gate pre-activations (input side); the same array as gateBuf,
 *                     whose step t the backward pass reads just before overwriting it
 * @param dRecBuf      GRU: {@code [T, n, GS]} d loss / d (W_hh h + b_hh); for other cells equal to dGateBuf
 * @param dhBuf        {@code [T, n, H]}: d loss / d h_t arriving from above (head or next layer)
 * @param dhNextBuf    {@code [n, HS]}: d loss / d h_{t-1} through the recurrence; after the backward loop,
 *                     d loss / d initial h
 * @param dcNextBuf    LSTM: {@code [n, H]} the same for c; else null
 * @param packedFwd    float32: name of the packed W_hhᵀ [H × G] for the forward step products; else null
 * @param packedBwd    float32: name of the packed W_hh [G × H] for the backward dh products; else null
 * @param packedIh     float32 with a dense input: name of the packed W_ih^T [IN × G] for the forward input
 *                     projection; else null (one-hot layer 0 gathers columns, float64 reads W_ih in place)
 */
public record LayerPlan(String name, int index, CellType cell, int hidden, int inputWidth,
                        String h, String hs, String g, String gs, String in,
                        String wIh, String wHh, String bIh, String bHh,
                        String hBuf, String cBuf, String tcBuf, String gateBuf, String hnBuf, String recBuf,
                        String dGateBuf, String dRecBuf, String dhBuf, String dhNextBuf, String dcNextBuf,
                        String packedFwd, String packedBwd, String packedIh) {

    public int gateRows() {
        return cell.gates() * hidden;
    }
}
