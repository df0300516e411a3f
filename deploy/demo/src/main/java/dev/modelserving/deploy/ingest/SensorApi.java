package dev.modelserving.deploy.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The machines' sensor HTTP API, as the seed system exposes it (JDK HTTP server on 127.0.0.1, JSON written by
 * Jackson, timestamps in the API's own format {@link ApiTimestamps}):
 *
 * <pre>
 * GET /readings?since=&lt;cursor&gt;[&amp;limit=&lt;n&gt;]
 * 200 {"from": 120, "cursor": 125, "events": [{"machine": "machine-01", "time": "30.11.2026 07:46:12.345",
 *      "temperature_c": 61.2, "fan_rpm": 2100.0, "load_percent": 35.1}, ...]}
 * </pre>
 *
 * The first request asks with {@code since=0}; each answer's {@code cursor} is the {@code since} of the next. At most
 * {@code limit} (default and cap {@value #MAX_LIMIT}) events per answer. Bad parameters get {@code 400} with
 * {@code {"error": "..."}}; any other path {@code 404}, any other method {@code 405}. The events come from an
 * {@link EventLog} that a simulator fills.
 */
public final class SensorApi implements AutoCloseable {

    /** Most events in one answer. */
    public static final int MAX_LIMIT = 1000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final EventLog log;
    private final ObjectMapper json = new ObjectMapper();

    private SensorApi(HttpServer server, ExecutorService executor, EventLog log) {
        this.server = server;
        this.executor = executor;
        this.log = log;
    }

    /** Starts the API on 127.0.0.1:{@code port} (0: any free port), serving {@code log}. */
    public static SensorApi start(EventLog log, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "sensor-api");
            thread.setDaemon(true);
            return thread;
        });
        SensorApi api = new SensorApi(server, executor, log);
        server.createContext("/", api::handle);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of the readings endpoint, e.g. {@code http://127.0.0.1:8090/readings}. */
    public URI readingsUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/readings");
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/readings")) {
                respond(exchange, 404, Map.of("error", "not found; GET /readings?since=<cursor>"));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 405, Map.of("error", "only GET"));
            } else {
                Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
                long since;
                int limit;
                try {
                    since = Long.parseLong(query.getOrDefault("since", "0"));
                    limit = Integer.parseInt(query.getOrDefault("limit", Integer.toString(MAX_LIMIT)));
                } catch (NumberFormatException e) {
                    respond(exchange, 400, Map.of("error", "since and limit must be integers: " + e.getMessage()));
                    return;
                }
                if (since < 0 || limit < 1) {
                    respond(exchange, 400, Map.of("error", "since must be >= 0 and limit >= 1"));
                    return;
                }
                respond(exchange, 200, log.read(since, Math.min(limit, MAX_LIMIT)));
            }
        }
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            values.put(
                    java.net.URLDecoder.decode(key, StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Stops the server (waiting at most a second for requests in flight) and its threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
