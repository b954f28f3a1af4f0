/**
 * The front end: a {@code .rnn} spec to validated {@link io.rnnc.compiler.model.Model}s and located
 * diagnostics, in stages that each own one kind of rule and can be tested alone.
 *
 * <ol>
 *   <li>{@link io.rnnc.compiler.frontend.SpecParser}: text to ANTLR's parse tree; stray characters and
 *       worded syntax errors ({@link io.rnnc.compiler.frontend.SyntaxErrors}).</li>
 *   <li>{@link io.rnnc.compiler.frontend.AstBuilder}: parse tree to the
 *       {@link io.rnnc.compiler.frontend.Ast} (immutable records, each with its place); no rules.</li>
 *   <li>{@link io.rnnc.compiler.frontend.FileChecks}: the package line and the model names.</li>
 *   <li>{@link io.rnnc.compiler.frontend.PlacementChecks}: where each statement may stand, duplicates, order
 *       within a stack; fills one {@link io.rnnc.compiler.frontend.Scope} per stack.</li>
 *   <li>{@link io.rnnc.compiler.frontend.StatementChecks} (with
 *       {@link io.rnnc.compiler.frontend.ArgCursor} and {@link io.rnnc.compiler.frontend.OptimizerChecks}):
 *       one statement's arguments to a typed {@link io.rnnc.compiler.frontend.Declaration}.</li>
 *   <li>{@link io.rnnc.compiler.frontend.ModelChecks}: the statements against each other (required
 *       statements, encoder/decoder hand-over, loss against head).</li>
 *   <li>{@link io.rnnc.compiler.frontend.ModelBuilder}: runs the model stages, fills in PyTorch's defaults
 *       and assembles the model ({@link io.rnnc.compiler.model.ModelAssembler}); the model's records
 *       check their own invariants.</li>
 * </ol>
 *
 * {@link io.rnnc.compiler.frontend.FrontEnd} runs them for one file. Every problem with a spec is a
 * diagnostic; a failure of a stage is an {@link io.rnnc.compiler.InternalCompilerError}. The language's
 * words live in {@link io.rnnc.compiler.frontend.StatementKeyword} and the model enums' {@code keyword()}
 * methods; {@link io.rnnc.compiler.frontend.Vocabulary} derives every list from them.
 */
package io.rnnc.compiler.frontend;
