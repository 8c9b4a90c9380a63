using Bulwark.ControlRoom.Alerts;
using Bulwark.ControlRoom.Drills;
using Bulwark.ControlRoom.Edge;
using Bulwark.ControlRoom.Metrics;
using Bulwark.ControlRoom.Panels;
using Bulwark.ControlRoom.Traces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>Registers the Control Room's listeners and built-in panels. See docs/control-room.md.</summary>
public static class ControlRoomServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Control Room: options from <c>Bulwark:ControlRoom</c> (validated at start), a meter listener over
    /// <see cref="ControlRoomOptions.MeterPrefixes"/>, the tail-keeping trace store, a health publisher that keeps the last
    /// report, antiforgery, and the built-in panels (breakers, bulkheads, rate limits, outbox, dead letters, sagas,
    /// projections, health, application meters, traces, alerts firing, the edge's release, drill history). A panel whose component the application lacks says so.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Options in code, applied after configuration.</param>
    /// <returns>A builder to add panels.</returns>
    public static IControlRoomBuilder AddBulwarkControlRoom(this IServiceCollection services, Action<ControlRoomOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ControlRoomOptions>().BindConfiguration(ControlRoomOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations()
            .Validate(o => o.Traces.MaxTraces is > 0 and <= 100_000 && o.Traces.MaxSpansPerTrace is > 0 and <= 10_000 && o.Traces.MaxPendingTraces > 0 && o.Traces.SlowThreshold >= TimeSpan.Zero,
                "Bulwark:ControlRoom:Traces is invalid: MaxTraces 1 to 100000, MaxSpansPerTrace 1 to 10000, MaxPendingTraces at least 1, SlowThreshold not negative.")
            .ValidateOnStart();

        // Nested sections are not reached by data annotations: the drill report folder, the Prometheus URL and the edge are checked here.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ControlRoomOptions>, ControlRoomOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(PrometheusAlerts.HttpClientName);
        services.AddHttpClient(EdgeRelease.HttpClientName);
        services.AddAntiforgery();
        if (!services.Any(d => d.ServiceType == typeof(ControlRoomListeners)))
        {
            services.AddSingleton<MetricReadings>();
            services.AddSingleton<TraceStore>();
            services.AddSingleton<TailKeepingListener>();
            services.AddSingleton<ControlRoomListeners>();
            services.AddHostedService(sp => sp.GetRequiredService<ControlRoomListeners>());
            services.AddSingleton<HealthReportCapture>();
            services.AddSingleton<DrillReportFolder>();
            services.AddSingleton<PrometheusAlerts>();
            services.AddSingleton<EdgeRelease>();
            services.AddSingleton<IHealthCheckPublisher>(sp => sp.GetRequiredService<HealthReportCapture>());
        }

        IControlRoomBuilder builder = new Builder(services);
        return builder
            .WithPanel<CircuitBreakersPanel>()
            .WithPanel<BulkheadsPanel>()
            .WithPanel<RateLimitsPanel>()
            .WithPanel<OutboxPanel>()
            .WithPanel<DeadLettersPanel>()
            .WithPanel<SagasPanel>()
            .WithPanel<ProjectionsPanel>()
            .WithPanel<HealthPanel>()
            .WithPanel<HostMetersPanel>()
            .WithPanel<TracesPanel>()
            .WithPanel<AlertsPanel>()
            .WithPanel<EdgePanel>()
            .WithPanel<DrillHistoryPanel>();
    }

    private sealed class Builder(IServiceCollection services) : IControlRoomBuilder
    {
        public IServiceCollection Services { get; } = services;
    }

    // Starts both listeners with the host, so counts and traces begin at start rather than at the first page view.
    private sealed class ControlRoomListeners(MetricReadings readings, TailKeepingListener traces) : IHostedService
    {
        public MetricReadings Readings { get; } = readings;

        public Task StartAsync(CancellationToken cancellationToken) => traces.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => traces.StopAsync(cancellationToken);
    }
}
