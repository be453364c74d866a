package io.qfserving.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.qfserving.service.QfServingApplication;
import io.qfserving.service.testing.EmbeddedModelsTest;
import io.qfserving.service.testing.Http;
import io.qfserving.service.testing.TestImages;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stopping under load, as SIGTERM does (the JVM's shutdown hook closes the context): 32 clients
 * classify while the server drains and shuts down, with no balancer in front. A client reconnects
 * to this server when a response closes its connection, and stops when a 503 tells it to retry
 * later, as a client honouring {@code Retry-After} does. Every request sent must get an answer (200;
 * 429 past the admission limit; 503 once the server refuses new work), none may find the server gone,
 * readiness must be DOWN while it drains, and each client must be told to leave.
 */
class ShutdownDrainTests {

    private static final int CLIENTS = 32;
    private static final int REFUSAL_SECONDS = 1;

    @Test
    void everySentRequestIsAnsweredWhileTheServerDrainsAndStops() throws Exception {
        ConfigurableApplicationContext server = SpringApplication.run(QfServingApplication.class,
                "--qf.repository.path=" + EmbeddedModelsTest.REPOSITORY, "--qf.repository.poll-interval=0s",
                "--qf.shutdown.drain=2s", "--qf.shutdown.refusal=" + REFUSAL_SECONDS + "s", "--logging.level.root=WARN");
        URI classify = URI.create("http://localhost:" + server.getEnvironment().getProperty("local.server.port") + "/v1/classify");
        Http management = new Http(Integer.parseInt(server.getEnvironment().getProperty("local.management.port")));
        byte[] jpeg = TestImages.jpeg(TestImages.scene(160, 120, 5));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger toldToLeave = new AtomicInteger();
        List<String> unanswered = Collections.synchronizedList(new ArrayList<>());
        // No retries: a request the server dropped must show as dropped.
        try (CloseableHttpClient http = HttpClients.custom().disableAutomaticRetries()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnPerRoute(CLIENTS).build()).build();
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        HttpPost post = new HttpPost(classify);
                        post.setEntity(new ByteArrayEntity(jpeg, ContentType.IMAGE_JPEG));
                        try {
                            boolean leave = http.execute(post, response -> {
                                EntityUtils.consume(response.getEntity());
                                // 429: refused at the admission limit, an answer too.
                                if (response.getCode() == 200 || response.getCode() == 429) {
                                    answered.incrementAndGet();
                                    return false;
                                }
                                if (response.getCode() == 503 && isHeader(response, "Connection", "close")
                                        && response.containsHeader("Retry-After")
                                        && Integer.parseInt(response.getFirstHeader("Retry-After").getValue()) > REFUSAL_SECONDS) {
                                    toldToLeave.incrementAndGet();
                                } else {
                                    unanswered.add("HTTP " + response.getCode() + " " + List.of(response.getHeaders()));
                                }
                                return true;
                            });
                            if (leave) {
                                return;
                            }
                        } catch (IOException dropped) {
                            unanswered.add(dropped.toString());
                            return;
                        }
                    }
                }));
            }
            Thread.sleep(1500);
            int beforeStop = answered.get();
            Thread stopping = Thread.ofPlatform().start(server::close);
            Thread.sleep(500);
            assertThat(management.get("/actuator/health/readiness").status()).as("not ready while draining").isEqualTo(503);
            stopping.join(Duration.ofSeconds(60));
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get();
            }
            assertThat(beforeStop).isPositive();
            assertThat(answered.get()).as("answered during the drain too").isGreaterThan(beforeStop);
        }
        assertThat(unanswered).as("requests sent but never answered, or a server already gone").isEmpty();
        assertThat(toldToLeave.get()).as("every client was told to leave by a closing 503 whose Retry-After outlasts the refusal")
                .isEqualTo(CLIENTS);
    }

    private static boolean isHeader(HttpResponse response, String name, String value) {
        return response.containsHeader(name) && value.equalsIgnoreCase(response.getFirstHeader(name).getValue());
    }
}
