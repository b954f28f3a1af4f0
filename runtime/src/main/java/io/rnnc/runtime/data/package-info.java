/**
 * Reading the user's data into {@link io.rnnc.runtime.Batch}es: one reader per {@link io.rnnc.runtime.data.DataFormat},
 * chosen from the model's mode, input kind and loss.
 *
 * <table>
 *   <caption>formats and readers</caption>
 *   <tr><th>format</th><th>reader</th><th>modes</th></tr>
 *   <tr><td>text</td><td>{@link io.rnnc.runtime.data.TextCorpus} with {@link io.rnnc.runtime.data.StreamBatches}
 *       (stateful chunks) or {@link io.rnnc.runtime.data.TextWindows}</td><td>many_to_many, many_to_one (tokens)</td></tr>
 *   <tr><td>series</td><td>{@link io.rnnc.runtime.data.CsvSeries}, {@link io.rnnc.runtime.data.SeriesWindows}</td>
 *       <td>many_to_one, many_to_many (features, mse/bce)</td></tr>
 *   <tr><td>table</td><td>{@link io.rnnc.runtime.data.TableRows}</td><td>one_to_one (features)</td></tr>
 *   <tr><td>sequences</td><td>{@link io.rnnc.runtime.data.LabelledSequences}</td>
 *       <td>many_to_one (classification), many_to_many (tagging), with per-sample lengths</td></tr>
 *   <tr><td>pairs</td><td>{@link io.rnnc.runtime.data.Pairs}</td><td>seq2seq, with source and target lengths</td></tr>
 *   <tr><td>idx</td><td>{@link io.rnnc.runtime.data.Mnist}</td><td>many_to_one (images), one_to_many (drawing)</td></tr>
 * </table>
 *
 * <p>Token ids come from a {@link io.rnnc.runtime.data.Vocabulary} built on the training split (reserved ids: 0 padding
 * and the encoder-decoder's start token, 1 unknown, 2 end of sequence for encoder-decoder targets), class ids from
 * {@link io.rnnc.runtime.data.Labels}, standardisation from a {@link io.rnnc.runtime.data.Normalization} fitted on the
 * training rows; {@link io.rnnc.runtime.data.DataMetadata} saves them with a checkpoint. {@link io.rnnc.runtime.data.Splits}
 * cuts a file into seeded training, validation and test parts. A bad file is an
 * {@link io.rnnc.runtime.io.RnncIoException} naming the file, line and column and what was expected.
 */
package io.rnnc.runtime.data;
