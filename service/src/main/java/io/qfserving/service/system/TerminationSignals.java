package io.qfserving.service.system;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Component;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT close the application before the JVM begins to shut down, then exit as those
 * signals would ({@link ShutdownProperties#handleSignals()}). ONNX Runtime's Java binding releases
 * its native environment from a JVM shutdown hook, and shutdown hooks run concurrently: a drain run
 * from Spring's own hook kept serving int8 models on a released environment (a SIGSEGV in
 * libonnxruntime, seen 5 s into a drain; microsoft/onnxruntime#31352). Closed first (drain, work in
 * flight, models), the application leaves that hook nothing in use.
 */
@Component
class TerminationSignals implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(TerminationSignals.class);

    private final ShutdownProperties properties;
    private final AtomicBoolean terminating = new AtomicBoolean();

    TerminationSignals(ShutdownProperties properties) {
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!properties.handleSignals()) {
            return;
        }
        ConfigurableApplicationContext context = event.getApplicationContext();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> terminate(context, signal));
        }
    }

    private void terminate(ConfigurableApplicationContext context, Signal signal) {
        if (!terminating.compareAndSet(false, true)) {
            return;
        }
        log.info("SIG{}: closing the application before the JVM shuts down", signal.getName());
        Thread.ofPlatform().name("termination").start(
                () -> closeThenExit(() -> SpringApplication.exit(context), System::exit, 128 + signal.getNumber()));
    }

    /**
     * Exits whether or not closing succeeds: this handler replaces the signal's own, so a close that
     * throws (a class that cannot be loaded any more, say) would otherwise leave the process running
     * until SIGKILL.
     */
    static void closeThenExit(Runnable close, IntConsumer exit, int status) {
        try {
            close.run();
        } catch (Throwable failed) {
            log.error("closing the application failed; exiting anyway", failed);
        } finally {
            exit.accept(status);
        }
    }
}
