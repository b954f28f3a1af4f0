package io.rnnc.compiler.frontend;

import io.rnnc.compiler.frontend.Ast.Arg;
import io.rnnc.compiler.frontend.Ast.KnownStatement;
import io.rnnc.compiler.model.OptimizerSpec;
import io.rnnc.compiler.model.SourcePos;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code optimizer adam|adamw|sgd key=value ...}: the optimizer, each option's name, value and range, and
 * PyTorch's defaults for what is not given.
 */
final class OptimizerChecks {

    private final Reporter reporter;
    private final ArgCursor cursor;

    OptimizerChecks(Reporter reporter, ArgCursor cursor) {
        this.reporter = reporter;
        this.cursor = cursor;
    }

    /** The optimizer with every setting resolved, or null after reporting. */
    Declaration.Optimizer check(KnownStatement s) {
        String kind = cursor.word("an optimizer", String.join(" or ", Vocabulary.OPTIMIZERS), Vocabulary.OPTIMIZERS);
        if (kind == null) {
            return null;
        }
        boolean adam = !kind.equals(OptimizerSpec.Kind.SGD.keyword()); // adam or adamw: the same options
        List<String> keys = adam ? Vocabulary.ADAM_OPTIONS : Vocabulary.SGD_OPTIONS;
        String other = adam ? OptimizerSpec.Kind.SGD.keyword() : OptimizerSpec.Kind.ADAM.keyword();
        Map<String, Arg> given = new LinkedHashMap<>();
        Map<String, Double> values = new LinkedHashMap<>();
        boolean ok = true;
        for (Arg a = cursor.peek(); a != null; a = cursor.peek()) {
            cursor.next();
            if (!(a instanceof Ast.OptionArg o)) {
                reporter.error(a.lexeme().pos(), "unexpected " + ArgCursor.describe(a) + " after 'optimizer " + kind
                        + "'", "options are written key=value, e.g. '" + (a instanceof Ast.NumberArg ? "lr=" + a.text()
                        : "lr=0.001") + "'; " + kind + " takes " + String.join(", ", keys));
                ok = false;
                continue;
            }
            String key = o.text();
            if (!keys.contains(key)) {
                List<String> otherKeys = adam ? Vocabulary.SGD_OPTIONS : Vocabulary.ADAM_OPTIONS;
                String hint = key.equals("betas") && adam ? "write PyTorch's betas pair as 'beta1=0.9 beta2=0.999'"
                        : otherKeys.contains(key)
                        ? "'" + key + "' is an option of " + other + "; " + kind + " takes " + String.join(", ", keys)
                        : Suggest.hint(key, keys, kind + " takes " + String.join(", ", keys));
                reporter.error(o.lexeme().pos(), "unknown " + kind + " option '" + key + "'", hint);
                ok = false;
                continue;
            }
            if (given.containsKey(key)) {
                reporter.error(o.lexeme().pos(), "option '" + key + "' given twice", "give each option once",
                        Reporter.note(given.get(key).lexeme().pos(), "first given here"));
                ok = false;
                continue;
            }
            given.put(key, o);
            if (!o.numeric()) {
                boolean missing = o.value() == null;
                reporter.error(missing ? o.equals().after() : o.value().pos(), "expected a number after '" + key
                                + "='" + (missing ? "" : ", found '" + ArgCursor.shortText(o.value().text()) + "'"),
                        defaultHint(kind, key));
                ok = false;
                continue;
            }
            Double v = ArgCursor.real(reporter, o.value(), "'" + key + "'");
            if (v == null) {
                ok = false;
                continue;
            }
            String problem = switch (key) {
                case "lr" -> v > 0 ? null : "must be greater than 0";
                case "beta1", "beta2" -> v >= 0 && v < 1 ? null : "must be at least 0 and less than 1";
                default -> v >= 0 ? null : "must not be negative"; // eps, weight_decay, momentum
            };
            if (problem != null) {
                reporter.error(o.value().pos(), "'" + key + "' " + problem + ", found " + o.value().text(),
                        defaultHint(kind, key));
                ok = false;
                continue;
            }
            values.put(key, v);
        }
        if (!ok) {
            return null;
        }
        SourcePos at = s.word().pos();
        if (adam) {
            boolean decoupled = kind.equals(OptimizerSpec.Kind.ADAMW.keyword());
            OptimizerSpec d = decoupled ? OptimizerSpec.adamwDefaults(at) : OptimizerSpec.adamDefaults(at);
            return new Declaration.Optimizer(new OptimizerSpec(d.kind(), values.getOrDefault("lr", d.lr()),
                    values.getOrDefault("beta1", d.beta1()), values.getOrDefault("beta2", d.beta2()),
                    values.getOrDefault("eps", d.eps()), values.getOrDefault("weight_decay", d.weightDecay()),
                    0.0, at));
        }
        if (!values.containsKey("lr")) {
            reporter.error(at, "sgd needs a learning rate",
                    "write e.g. 'optimizer sgd lr=0.1' (like PyTorch, sgd has no default lr)");
            return null;
        }
        return new Declaration.Optimizer(new OptimizerSpec(OptimizerSpec.Kind.SGD, values.get("lr"), 0, 0, 0,
                values.getOrDefault("weight_decay", 0.0), values.getOrDefault("momentum", 0.0), at));
    }

    private static String defaultHint(String kind, String key) {
        return switch (key) {
            case "lr" -> !kind.equals("sgd") ? kind + "'s default is lr=0.001" : "typical sgd rates are 0.01 to 0.5";
            case "beta1" -> "the default is beta1=0.9";
            case "beta2" -> "the default is beta2=0.999";
            case "eps" -> "the default is eps=1e-8";
            case "momentum" -> "the default is momentum=0";
            default -> kind.equals("adamw") ? "adamw's default is weight_decay=0.01" : "the default is weight_decay=0";
        };
    }
}
