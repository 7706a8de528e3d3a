package io.github.lwm2mportfolio.server.metrics;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.eclipse.leshan.server.LeshanServer;

import io.github.lwm2mportfolio.server.collector.Collector;
import io.github.lwm2mportfolio.server.collector.CollectorMetrics;
import io.github.lwm2mportfolio.server.inventory.JdbcInventory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's meters, served as Prometheus text on {@code GET /metrics}: the LwM2M registrations, the collector
 * ({@link CollectorMetrics}), the compliance counts ({@link ComplianceGauges}), the database (transactions and
 * Hikari's pool) and the JVM (memory, GC, threads, CPU). Meters go to a Prometheus registry of this server and,
 * when the embedding application gives one, to its own registry too.
 */
public final class ServerMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MeterRegistry registry;
    private final CollectorMetrics collector;
    private final List<AutoCloseable> binders = new ArrayList<>();

    /** @param also the embedding application's registry, or null */
    public ServerMetrics(MeterRegistry also) {
        if (also == null) {
            this.registry = prometheus;
        } else {
            CompositeMeterRegistry both = new CompositeMeterRegistry();
            both.add(prometheus);
            both.add(also);
            this.registry = both;
        }
        this.collector = new CollectorMetrics(registry);
        bindJvm();
    }

    /** Where meters go: the Prometheus registry, or both it and the application's. */
    public MeterRegistry registry() {
        return registry;
    }

    public CollectorMetrics collector() {
        return collector;
    }

    /** The Prometheus text exposition format (version 0.0.4) of every meter. */
    public String scrape() {
        return prometheus.scrape();
    }

    /** Meters of the parts built around the collector: registrations, queue, compliance, database. */
    public void bind(LeshanServer lwm2m, Collector collectorOfServer, JdbcInventory inventory) {
        lwm2m.getRegistrationService().addListener(new RegistrationMetrics(registry));
        Gauge.builder("portfolio.collector.queue.length", collectorOfServer, c -> c.stats().waiting())
                .description("Devices and on-demand verifications waiting for a collector worker").register(registry);
        Gauge.builder("portfolio.collector.running", collectorOfServer, c -> c.stats().running())
                .description("Collections running now (busy workers)").register(registry);
        Gauge.builder("portfolio.collector.workers", collectorOfServer, c -> c.stats().workers())
                .description("Collector worker threads").register(registry);
        new ComplianceGauges(inventory::complianceCounts).bindTo(registry);
        inventory.bindMetrics(registry);
    }

    /** The REST API's request threads: how many there are, busy, at most, and the requests waiting for one. */
    public void bindHttpThreads(ThreadPool pool) {
        Gauge.builder("portfolio.http.threads", pool, ThreadPool::getThreads)
                .description("REST API request threads").register(registry);
        Gauge.builder("portfolio.http.threads.idle", pool, ThreadPool::getIdleThreads)
                .description("REST API request threads waiting for work").register(registry);
        if (pool instanceof QueuedThreadPool queued) {
            Gauge.builder("portfolio.http.threads.max", queued, QueuedThreadPool::getMaxThreads)
                    .description("The most REST API request threads").register(registry);
            Gauge.builder("portfolio.http.queue.length", queued, QueuedThreadPool::getQueueSize)
                    .description("REST API jobs waiting for a thread").register(registry);
        }
    }

    private void bindJvm() {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        FileDescriptorMetrics files = new FileDescriptorMetrics();
        files.bindTo(registry);
    }

    @Override
    public void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                // the GC listeners are gone with the server either way
            }
        }
        prometheus.close(); // never the application's registry: it outlives the server
    }
}
