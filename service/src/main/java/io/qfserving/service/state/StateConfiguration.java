package io.qfserving.service.state;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.TimeoutOptions;
import io.qfserving.service.experiment.ExperimentStore;
import io.qfserving.service.experiment.InMemoryExperimentStore;
import io.qfserving.service.feedback.FeedbackProperties;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the experiment store by Spring Boot's standard Redis property: with
 * {@code spring.data.redis.url} set, state is shared through that Redis; without it, it stays in
 * this instance's memory (right for exactly one instance).
 */
@Configuration(proxyBeanMethods = false)
class StateConfiguration {

    private static final String REDIS_URL_SET = "!'${spring.data.redis.url:}'.isBlank()";
    private static final String REDIS_URL_UNSET = "'${spring.data.redis.url:}'.isBlank()";

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression(REDIS_URL_UNSET)
    ExperimentStore inMemoryExperimentStore(FeedbackProperties feedback, Clock clock) {
        return new InMemoryExperimentStore(feedback.maxPredictions(), feedback.ttl(), clock);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression(REDIS_URL_SET)
    static class Redis {

        @Bean(destroyMethod = "close")
        ExperimentStore redisExperimentStore(ReactiveStringRedisTemplate redis, RedisMessageListenerContainer experimentChanges,
                JsonMapper json, StateErrorCounter errors, StateProperties properties,
                FeedbackProperties feedback, @Value("${spring.data.redis.url}") String url) {
            URI uri = URI.create(url.strip());
            return new RedisExperimentStore(redis, experimentChanges, json, errors, properties, feedback.ttl(),
                    uri.getHost() + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()));
        }

        /** Delivers the experiment-change channel; it resubscribes by itself after Redis comes back. */
        @Bean
        RedisMessageListenerContainer experimentChanges(RedisConnectionFactory connections) {
            RedisMessageListenerContainer container = new RedisMessageListenerContainer();
            container.setConnectionFactory(connections);
            return container;
        }

        /**
         * Fail fast: while disconnected, commands fail at once instead of queueing without bound
         * (Lettuce's default), and every command times out after {@code spring.data.redis.timeout},
         * so a slow or absent Redis never piles up the request path's writes.
         */
        @Bean
        LettuceClientOptionsBuilderCustomizer failFastWhileDisconnected(@Value("${spring.data.redis.timeout:1s}") Duration timeout) {
            return options -> failFast(options, timeout);
        }
    }

    /** The Lettuce options that keep an absent or slow Redis from piling up commands. */
    static ClientOptions.Builder failFast(ClientOptions.Builder options, Duration commandTimeout) {
        return options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(10_000)
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout));
    }
}
