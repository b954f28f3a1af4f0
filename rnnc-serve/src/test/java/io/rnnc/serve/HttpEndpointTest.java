package io.rnnc.serve;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpEndpointTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> call(URI base, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        b = switch (method) {
            case "GET" -> b.GET();
            case "DELETE" -> b.DELETE();
            default -> b.POST(HttpRequest.BodyPublishers.ofString(body));
        };
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void predictsStreamsAndRefusesOnLoopback() throws Exception {
        Predictor p = TestModels.predictor("classifier.rnn", 4, 2);
        try (HttpEndpoint http = HttpEndpoint.start(p, 0)) {
            URI base = http.uri();
            HttpResponse<String> model = call(base, "GET", "/v1/model", null);
            assertEquals(200, model.statusCode());
            assertEquals("{\"name\":\"TinyClassifier\",\"mode\":\"many_to_one\",\"steps\":8,\"inputs\":3,\"outputs\":4,\"tokens\":false}",
                    model.body().strip());

            double[] x = {0.5, -1, 2, 0.25, 0, 1};
            HttpResponse<String> predicted = call(base, "POST", "/v1/predict", "0.5,-1,2\n0.25 0 1\n");
            assertEquals(200, predicted.statusCode());
            double[] expected = p.predict(x);
            assertTrue(predicted.body().startsWith("{\"outputs\":" + HttpEndpoint.json(expected) + ",\"class\":"), predicted.body());

            String opened = call(base, "POST", "/v1/streams", "").body().strip();
            String id = opened.replaceAll("[^0-9]", "");
            assertEquals("{\"stream\":" + id + "}", opened);
            HttpResponse<String> f1 = call(base, "POST", "/v1/streams/" + id, "0.5 -1 2");
            HttpResponse<String> f2 = call(base, "POST", "/v1/streams/" + id, "0.25 0 1");
            assertTrue(f1.body().endsWith("\"history\":1}\n"), f1.body());
            assertTrue(f2.body().startsWith("{\"outputs\":" + HttpEndpoint.json(expected)), f2.body() + " after both observations");

            HttpResponse<String> nan = call(base, "POST", "/v1/predict", "1 NaN 2");
            assertEquals(400, nan.statusCode());
            assertTrue(nan.body().contains("value 1 is NaN"), nan.body());
            HttpResponse<String> word = call(base, "POST", "/v1/predict", "1 two 3");
            assertEquals(400, word.statusCode());
            assertTrue(word.body().contains("'two' is not a number"), word.body());
            HttpResponse<String> wide = call(base, "POST", "/v1/streams/" + id, "1 2");
            assertEquals(400, wide.statusCode());
            assertTrue(wide.body().contains("I = 3 values, got 2"), wide.body());

            assertEquals(200, call(base, "DELETE", "/v1/streams/" + id, null).statusCode());
            HttpResponse<String> gone = call(base, "POST", "/v1/streams/" + id, "1 2 3");
            assertEquals(404, gone.statusCode());
            assertTrue(gone.body().contains("no open stream has id " + id), gone.body());
            assertEquals(404, call(base, "GET", "/v1/nothing", null).statusCode());
            assertEquals(400, call(base, "POST", "/v1/translate", "1 2").statusCode());
        }
    }

    @Test
    void generatesAndTranslates() throws Exception {
        Predictor lm = TestModels.predictor("language.rnn", 4, 1);
        try (HttpEndpoint http = HttpEndpoint.start(lm, 0)) {
            HttpResponse<String> g = call(http.uri(), "POST", "/v1/generate?max=9&temperature=0.8&seed=5", "1 2 3");
            assertEquals(200, g.statusCode());
            assertEquals("{\"tokens\":" + HttpEndpoint.json(lm.generate(new int[] {1, 2, 3}, 9, 0.8, 5, -1)) + "}", g.body().strip());
            HttpResponse<String> f = call(http.uri(), "POST", "/v1/generate?max=9&temperature=0.8&top_k=3&top_p=0.9&seed=5", "1 2 3");
            assertEquals("{\"tokens\":" + HttpEndpoint.json(lm.generate(new int[] {1, 2, 3}, 9, 0.8, 3, 0.9, 5, -1)) + "}",
                    f.body().strip());
            HttpResponse<String> bad = call(http.uri(), "POST", "/v1/generate?temperature=0.8&top_p=0", "1 2 3");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("top-p must be in (0, 1]"), bad.body());
        }
        Predictor tr = TestModels.predictor("translator.rnn", 4, 1);
        try (HttpEndpoint http = HttpEndpoint.start(tr, 0)) {
            HttpResponse<String> t = call(http.uri(), "POST", "/v1/translate?beam=3", "[4, 5, 6]");
            assertEquals(200, t.statusCode());
            assertEquals("{\"tokens\":" + HttpEndpoint.json(tr.translate(new int[] {4, 5, 6}, 3, -1)) + "}", t.body().strip());
        }
    }
}
