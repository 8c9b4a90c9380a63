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
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, b) => b.AddView(OwnInstrumentsOnly(services.GetRequiredService<IMeterFactory>())));
                if (options.Prometheus.Enabled)
                {
                    metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = options.Prometheus.ScrapeResponseCacheMilliseconds);
                }
            });

        if (options.OtlpEndpoint is not null)
        {
            otel.WithTracing(t => t.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint));
            otel.WithMetrics(m => m.AddOtlpExporter(o => o.Endpoint = options.OtlpEndpoint));
        }

        return builder;
    }

    // OpenTelemetry subscribes to meters by name, process-wide: a host's scrape also carried the ASP.NET Core, Kestrel,
    // HttpClient and Bulwark instruments of every other host in the same process (a stand-in beside the shop, the
    // stand-ins of Shop.Externals, hosts in one test run), merged into its own series, so another host's requests moved
    // its error rate. A meter made by another host's IMeterFactory is dropped; a process-wide meter (no factory: the
    // runtime, a hand-built HttpClient, a Bulwark component built without a container) belongs to every host and stays.
    private static Func<Instrument, MetricStreamConfiguration?> OwnInstrumentsOnly(IMeterFactory own) =>
        instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, own) ? null : MetricStreamConfiguration.Drop;
}
