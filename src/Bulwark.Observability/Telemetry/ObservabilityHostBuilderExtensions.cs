using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Reflection;
using Bulwark.Observability.Health;
using Bulwark.Observability.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bulwark.Observability.Telemetry;

/// <summary>Wires OpenTelemetry and one-line JSON logs into a host. See docs/observability.md.</summary>
public static class ObservabilityHostBuilderExtensions
{
    /// <summary>
    /// Adds tracing (ASP.NET Core, HttpClient and every <c>Bulwark.*</c> source, continuing an incoming W3C
    /// <c>traceparent</c>), metrics (every <c>Bulwark.*</c> meter, ASP.NET Core, HttpClient and
    /// <see cref="BulwarkObservabilityOptions.Meters"/>; a Prometheus exporter when
    /// <c>Bulwark:Observability:Prometheus:Enabled</c>, served by <c>MapBulwarkMetrics</c>), health-check results as a
    /// gauge, and JSON console logs carrying trace and span ids.
    /// </summary>
    public static IHostApplicationBuilder AddBulwarkObservability(
        this IHostApplicationBuilder builder,
        Action<BulwarkObservabilityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = new BulwarkObservabilityOptions();
        builder.Configuration.GetSection(BulwarkObservabilityOptions.SectionName).Bind(options);
        configure?.Invoke(options);
        options.ServiceName ??= builder.Environment.ApplicationName;
        options.ServiceVersion ??= Assembly.GetEntryAssembly()?
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

        builder.Services.AddOptions<BulwarkObservabilityOptions>()
            .Configure(o =>
            {
                o.ServiceName = options.ServiceName;
                o.ServiceVersion = options.ServiceVersion;
                o.OtlpEndpoint = options.OtlpEndpoint;
                o.SamplingRatio = options.SamplingRatio;
                o.JsonConsoleLogs = options.JsonConsoleLogs;
                o.ReadinessTag = options.ReadinessTag;
                foreach (var meter in options.Meters)
                {
                    o.Meters.Add(meter);
                }

                o.Prometheus.Enabled = options.Prometheus.Enabled;
                o.Prometheus.Path = options.Prometheus.Path;
                o.Prometheus.ScrapeResponseCacheMilliseconds = options.Prometheus.ScrapeResponseCacheMilliseconds;
            })
            .ValidateDataAnnotations()
            // Data annotations stop at the top level; the nested Prometheus section is checked here.
            .Validate(
                o => Validator.TryValidateObject(o.Prometheus, new ValidationContext(o.Prometheus), null, validateAllProperties: true),
                "Bulwark:Observability:Prometheus is invalid: Path must start with '/' (letters, digits, '/', '_', '.', '-'), ScrapeResponseCacheMilliseconds 0 to 60000.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Every health check's last result becomes a gauge, so readiness failing is alertable (docs/runbook.md#readinessfailing).
        builder.Services.AddHealthChecks();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, HealthMetricsPublisher>());

        if (options.JsonConsoleLogs)
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddConsole(o => o.FormatterName = JsonLineFormatter.FormatterName);
            builder.Logging.AddConsoleFormatter<JsonLineFormatter, JsonLineFormatterOptions>(o =>
            {
                o.ServiceName = options.ServiceName;
                o.ServiceVersion = options.ServiceVersion;
            });
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceVersion: options.ServiceVersion))
            .WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SamplingRatio)))
                    .AddSource(BulwarkTelemetry.SourcePrefix)
                    .AddAspNetCoreInstrumentation(o => o.RecordException = true)
                    .AddHttpClientInstrumentation(o => o.RecordException = true);
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(BulwarkTelemetry.SourcePrefix)
                    .AddMeter([.. options.Meters])
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (options.Prometheus.Enabled)
                {
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = options.Prometheus.ScrapeResponseCacheMilliseconds);
                }
            });

        // Each host exports its own container's meters only. AddMeter subscribes by name across the whole process, so a
        // second host in it (tests and drills run the shop in process) fed its meter of the same name into this host's
        // stream, and when that host stopped, its disposed meter switched the shared stream off: this host's counter left
        // /metrics for good; and another host's requests (a stand-in beside the shop, the stand-ins of Shop.Externals)
        // moved this host's error rate, so an alert on it fired late or never. Meters made without a factory (Meter.Scope
        // null: the runtime, a hand-built HttpClient) are the process's and stay.
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) =>
        {
            var own = services.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own)
                ? MetricStreamConfiguration.Drop
                : null);
        });

        if (options.OtlpEndpoint is not null)
        {
            otel.WithTracing(t => t.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint));
            otel.WithMetrics(m => m.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint));
        }

        return builder;
    }
}
