package io.rnnc.compiler.frontend;

import io.rnnc.compiler.frontend.Ast.Lexeme;
import io.rnnc.compiler.model.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.SourceVersion;

/**
 * The file-level rules: one package line, first, naming a valid Java package; model names that are
 * valid, unreserved Java class names, each used once. Called in file order, as the models are built,
 * so a package line applies to the models after it.
 */
final class FileChecks {

    /** Names Java reserves for types besides its keywords (JLS 3.9 restricted identifiers). */
    private static final Set<String> RESTRICTED_TYPE_NAMES = Set.of("var", "yield", "record", "sealed", "permits");

    private final Reporter reporter;
    private final Map<String, Lexeme> modelNames = new HashMap<>();
    private Lexeme packageKeyword;
    private boolean sawModel;
    private String packageName = "";

    FileChecks(Reporter reporter) {
        this.reporter = reporter;
    }

    /** The package the models declared so far belong to ("" for none). */
    String packageName() {
        return packageName;
    }

    boolean sawModel() {
        return sawModel;
    }

    void packageDecl(Ast.PackageDecl p) {
        if (p.damaged()) {
            return; // its syntax error is reported already
        }
        if (packageKeyword != null) {
            reporter.error(p.keyword().pos(), "duplicate 'package'", "a file has one package line",
                    Reporter.note(packageKeyword.pos(), "first declared here"));
            return;
        }
        packageKeyword = p.keyword();
        if (sawModel) {
            reporter.error(p.keyword().pos(), "'package' after a model",
                    "the package line comes first in the file, before any model");
        }
        packageName = packageName(p);
    }

    /** The model's name, before its body is built. */
    void modelName(Ast.ModelDecl m) {
        sawModel = true;
        Lexeme name = m.name();
        if (name == null || m.nameDamaged()) {
            return;
        }
        checkClassName(name);
        Lexeme first = modelNames.putIfAbsent(name.text(), name);
        if (first != null) {
            reporter.error(name.pos(), "duplicate model name '" + name.text() + "'",
                    "each model becomes a class of that name: rename one",
                    Reporter.note(first.pos(), "first declared here"));
        }
    }

    private String packageName(Ast.PackageDecl p) {
        List<String> parts = new ArrayList<>();
        Lexeme previous = p.keyword();
        boolean expectName = true;
        List<Ast.NamePart> written = p.parts();
        for (int i = 0; i <= written.size(); i++) {
            Ast.NamePart part = i < written.size() ? written.get(i) : null;
            if (part != null && !part.isDot()) {
                String s = part.lexeme().text();
                if (SourceVersion.isKeyword(s, SourceVersion.RELEASE_17)) {
                    reporter.error(part.lexeme().pos(), "'" + s + "' is a Java keyword and cannot be part of a package"
                            + " name", "choose another name, e.g. '" + s + "s'");
                    return "";
                } else if (!SourceVersion.isIdentifier(s)) {
                    reporter.error(part.lexeme().pos(), "'" + s + "' is not a valid Java package name",
                            "package names are Java identifiers separated by '.'");
                    return "";
                }
                parts.add(s);
                previous = part.lexeme();
                expectName = false;
            } else if (expectName) {
                SourcePos at = part == null ? previous.after() : part.lexeme().pos();
                reporter.error(at, previous == p.keyword() ? "expected a package name after 'package'"
                        : "expected a name after '.'", "write a package as 'package a.b.c'");
                return "";
            } else if (part != null) {
                previous = part.lexeme();
                expectName = true;
            }
        }
        return String.join(".", parts);
    }

    private void checkClassName(Lexeme t) {
        String s = t.text();
        if (SourceVersion.isKeyword(s, SourceVersion.RELEASE_17) || RESTRICTED_TYPE_NAMES.contains(s)) {
            String cap = Character.toUpperCase(s.charAt(0)) + s.substring(1);
            reporter.error(t.pos(), "'" + s + "' is reserved in Java and cannot name a class",
                    "choose another name, e.g. '" + cap + "Model'");
        } else if (!SourceVersion.isIdentifier(s)) {
            reporter.error(t.pos(), "'" + s + "' is not a valid Java class name",
                    "a class name is a letter followed by letters, digits or '_'");
        }
    }
}
