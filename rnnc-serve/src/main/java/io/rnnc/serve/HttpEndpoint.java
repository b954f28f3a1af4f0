package io.rnnc.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rnnc.runtime.ModelInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP endpoint over a {@link Predictor}, on the JDK's own {@link HttpServer}, bound to 127.0.0.1 (put a
 * real proxy in front of it to expose it). Request bodies are plain numbers separated by commas or white space
 * (features row-major, or token ids); answers are JSON. A bad request is a 400 (an unknown stream a 404) with
 * {@code {"error": "..."}}; anything else that fails is a 500 that says it is an internal error.
 *
 * <pre>
 * GET    /v1/model                                  {"name":..,"mode":..,"steps":T,"inputs":I,"outputs":O,"tokens":bool}
 * POST   /v1/predict           body: a sequence     {"outputs":[..],"class":k}
 * POST   /v1/streams                                {"stream":id}
 * POST   /v1/streams/ID        body: I values       {"outputs":[..],"class":k,"history":n}
 * DELETE /v1/streams/ID                             {"closed":id}
 * POST   /v1/generate?max=N&amp;temperature=T&amp;top_k=K&amp;top_p=P&amp;seed=S&amp;end=E   body: prompt ids (language model)
 *                                                   or I values (one_to_many; beam=W too)
 * POST   /v1/translate?beam=W&amp;end=E  body: source ids {"tokens":[..]}
 * </pre>
 */
public final class HttpEndpoint implements AutoCloseable {

    private final Predictor predictor;
    private final HttpServer server;
    private final ExecutorService threads;

    private HttpEndpoint(Predictor predictor, HttpServer server, ExecutorService threads) {
        this.predictor = predictor;
        this.server = server;
        this.threads = threads;
    }

    /** Serves {@code predictor} on 127.0.0.1:{@code port} (0: any free port) with one thread per worker. */
    public static HttpEndpoint start(Predictor predictor, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService threads = Executors.newFixedThreadPool(predictor.workers(), r -> {
            Thread t = new Thread(r, "rnnc-serve-http");
            t.setDaemon(true);
            return t;
        });
        HttpEndpoint e = new HttpEndpoint(predictor, server, threads);
        server.createContext("/v1/", e::handle);
        server.setExecutor(threads);
        server.start();
        return e;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** http://127.0.0.1:PORT */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange x) throws IOException {
        int status;
        String body;
        try {
            body = route(x.getRequestMethod(), x.getRequestURI().getPath(), query(x.getRequestURI().getRawQuery()),
                    read(x.getRequestBody()));
            status = 200;
        } catch (NotFound e) {
            status = 404;
            body = error(e.getMessage());
        } catch (BadRequest e) {
            status = e.getMessage().startsWith("no open stream") ? 404 : 400;
            body = error(e.getMessage());
        } catch (RuntimeException e) {
            status = 500;
            body = error("internal error: " + e);
        }
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String route(String method, String path, Map<String, String> q, String body) {
        ModelInfo info = predictor.info();
        switch (method + " " + path) {
            case "GET /v1/model":
                return "{\"name\":" + quote(info.name()) + ",\"mode\":" + quote(info.mode()) + ",\"steps\":" + info.inputSteps()
                        + ",\"inputs\":" + info.inputSize() + ",\"outputs\":" + info.outputs() + ",\"tokens\":" + info.tokenInputs() + "}";
            case "POST /v1/predict":
                double[] out = info.tokenInputs() ? predictor.predict(ids(body)) : predictor.predict(numbers(body));
                return "{\"outputs\":" + json(out) + ",\"class\":" + argmax(out, out.length - info.outputs(), info.outputs()) + "}";
            case "POST /v1/streams":
                return "{\"stream\":" + predictor.openStream() + "}";
            case "POST /v1/generate":
                if (info.mode().equals("one_to_many")) {
                    if (!info.head().equals("softmax")) {
                        return "{\"outputs\":" + json(predictor.generateValues(numbers(body))) + "}";
                    }
                    return "{\"tokens\":" + json(predictor.generateFrom(numbers(body), number(q, "temperature", 0),
                            (int) number(q, "top_k", 0), number(q, "top_p", 1), (long) number(q, "seed", 0),
                            (int) number(q, "beam", 1), (int) number(q, "end", -1))) + "}";
                }
                return "{\"tokens\":" + json(predictor.generate(ids(body), (int) number(q, "max", 100), number(q, "temperature", 0),
                        (int) number(q, "top_k", 0), number(q, "top_p", 1), (long) number(q, "seed", 0),
                        (int) number(q, "end", -1))) + "}";
            case "POST /v1/translate":
                return "{\"tokens\":" + json(predictor.translate(ids(body), (int) number(q, "beam", 1), (int) number(q, "end", -1))) + "}";
            default:
                break;
        }
        if (path.startsWith("/v1/streams/")) {
            long id = streamId(path.substring("/v1/streams/".length()));
            if (method.equals("POST")) {
                double[] out = new double[info.outputs()];
                int n = predictor.forecastInto(id, numbers(body), out);
                return "{\"outputs\":" + json(out) + ",\"class\":" + argmax(out, 0, out.length) + ",\"history\":" + n + "}";
            }
            if (method.equals("DELETE")) {
                predictor.closeStream(id);
                return "{\"closed\":" + id + "}";
            }
        }
        throw new NotFound("no such endpoint: " + method + " " + path + " (see GET /v1/model, POST /v1/predict, /v1/streams, "
                + "/v1/generate, /v1/translate)");
    }

    private static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }

    private static long streamId(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadRequest("'" + s + "' is not a stream id");
        }
    }

    /** Numbers separated by commas or white space. */
    static double[] numbers(String body) {
        String[] parts = split(body);
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new BadRequest("value " + (i + 1) + " '" + parts[i] + "' is not a number");
            }
        }
        return v;
    }

    static int[] ids(String body) {
        String[] parts = split(body);
        int[] v = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new BadRequest("token " + (i + 1) + " '" + parts[i] + "' is not an integer id");
            }
        }
        return v;
    }

    private static String[] split(String body) {
        String s = body.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s.isEmpty() ? new String[0] : s.split("[\\s,]+");
    }

    private static double number(Map<String, String> q, String key, double dflt) {
        String v = q.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new BadRequest("?" + key + "=" + v + " is not a number");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return m;
    }

    private static String read(InputStream in) throws IOException {
        byte[] b = in.readNBytes(16 << 20);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int argmax(double[] v, int off, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (v[off + k] > v[off + best]) {
                best = k;
            }
        }
        return best;
    }

    static String json(double[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            // Shortest repr that reads back to the same double
            s.append(i == 0 ? "" : ",").append(Double.isFinite(v[i]) ? Double.toString(v[i]) : "null");
        }
        return s.append(']').toString();
    }

    static String json(int[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ",").append(v[i]);
        }
        return s.append(']').toString();
    }

    private static String error(String message) {
        return "{\"error\":" + quote(message) + "}";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
