package io.qfserving.service.state;

import io.lettuce.core.ClientOptions;
import java.net.URI;
import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * The Redis clients one replica holds, made the way Spring Boot makes them for the server (Lettuce,
 * with the server's fail-fast client options), without an application context.
 */
record RedisClients(LettuceConnectionFactory connections, ReactiveStringRedisTemplate template,
        RedisMessageListenerContainer listeners) implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    static RedisClients connect(String url) {
        URI uri = URI.create(url);
        LettuceConnectionFactory connections = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()),
                LettuceClientConfiguration.builder().commandTimeout(TIMEOUT)
                        .clientOptions(StateConfiguration.failFast(ClientOptions.builder(), TIMEOUT).build())
                        .build());
        connections.afterPropertiesSet();
        connections.start();
        RedisMessageListenerContainer listeners = new RedisMessageListenerContainer();
        listeners.setConnectionFactory(connections);
        listeners.afterPropertiesSet();
        listeners.start();
        return new RedisClients(connections, new ReactiveStringRedisTemplate(connections), listeners);
    }

    @Override
    public void close() {
        try {
            listeners.destroy();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        connections.destroy();
    }
}
