package io.chatgw.app;

import io.chatgw.tracing.TracingProperties;
import io.chatgw.tracing.TurnTraces;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenTelemetry SDK behind the turns' traces ({@code gateway.tracing.*}): off by default (a no-op OpenTelemetry,
 * nothing made per turn); on, spans go to the OTLP/HTTP endpoint if one is set, and to any {@link SpanProcessor}
 * bean (tests add an in-memory exporter).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TracingProperties.class)
class TracingBeans {

    @Bean(destroyMethod = "")
    OpenTelemetry openTelemetry(TracingProperties config, ObjectProvider<SpanProcessor> processors) {
        if (!config.enabled()) {
            return OpenTelemetry.noop();
        }
        SdkTracerProviderBuilder tracers = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), config.serviceName()))))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())));
        if (!config.otlpEndpoint().isBlank()) {
            tracers.addSpanProcessor(BatchSpanProcessor.builder(
                    OtlpHttpSpanExporter.builder().setEndpoint(config.otlpEndpoint()).build()).build());
        }
        processors.orderedStream().forEach(tracers::addSpanProcessor);
        return OpenTelemetrySdk.builder().setTracerProvider(tracers.build()).build();
    }

    @Bean
    TurnTraces turnTraces(OpenTelemetry otel, TracingProperties config) {
        return new TurnTraces(otel, config.enabled());
    }
}
