using Bulwark.Resilience.Bulkhead;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.Deadlines;
using Bulwark.Resilience.Degradation;
using Bulwark.Resilience.Retry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Resilience.DependencyInjection;

/// <summary>Registers Bulwark's resilience building blocks.</summary>
public static class ResilienceServiceCollectionExtensions
{
    /// <summary>The configuration section everything is bound from.</summary>
    public const string SectionName = "Bulwark:Resilience";

    // Polly's own per-call event names (Polly.Telemetry), not exposed as constants.
    private const string PipelineExecuted = "PipelineExecuted";
    private const string PipelineExecuting = "PipelineExecuting";
    private const string ExecutionAttempt = "ExecutionAttempt";

    /// <summary>
    /// Registers the breaker and bulkhead registries, retry budgets, deadline propagation options and, for every child of
    /// <c>Bulwark:Resilience:Pipelines</c>, a named Polly pipeline (resolve it with <c>ResiliencePipelineProvider&lt;string&gt;</c>).
    /// All options are validated at start-up.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration (its <c>Bulwark:Resilience</c> section is used), or <see langword="null"/>.</param>
    /// <returns>A builder to add pipelines in code.</returns>
    public static IBulwarkResilienceBuilder AddBulwarkResilience(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddCore(services);

        var section = configuration?.GetSection(SectionName);
        if (section is not null)
        {
            services.Configure<DeadlinePropagationOptions>(section.GetSection("Deadlines"));
            services.Configure<DegradationOptions>(section.GetSection("Degradation"));
            Named<BulwarkCircuitBreakerOptions>(services, section.GetSection("CircuitBreakers"));
            Named<BulkheadOptions>(services, section.GetSection("Bulkheads"));
            Named<RetryBudgetOptions>(services, section.GetSection("RetryBudgets"));
            Named<BulwarkPipelineOptions>(services, section.GetSection("Pipelines"));
        }

        var builder = new Builder(services);
        foreach (var pipeline in section?.GetSection("Pipelines").GetChildren() ?? [])
        {
            builder.AddPipeline(pipeline.Key);
        }

        return builder;
    }

    /// <summary>Adds the strategies of the named pipeline's settings to <paramref name="builder"/>, resolving shared breakers,
    /// compartments and budgets from <paramref name="services"/>.</summary>
    /// <typeparam name="TBuilder">A Polly pipeline builder, generic or not.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="name">The pipeline's name.</param>
    /// <param name="services">The service provider.</param>
    /// <returns>The builder.</returns>
    public static TBuilder AddBulwarkPipeline<TBuilder>(this TBuilder builder, string name, IServiceProvider services)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptionsMonitor<BulwarkPipelineOptions>>().Get(name);
        builder.AddBulwarkDeadline(options.Timeout);
        if (options.Retry is { } configured)
        {
            // A copy: the bound options are shared by every build of this pipeline and stay as configured.
            var retry = configured.Clone();
            retry.Budget ??= options.RetryBudget is { } budgetName ? services.GetRequiredService<RetryBudgetRegistry>().Get(budgetName) : null;
            retry.AttemptTimeout ??= options.AttemptTimeout;
            builder.AddBulwarkRetry(retry);
        }

        if (options.CircuitBreaker is { } breaker)
        {
            builder.AddBulwarkCircuitBreaker(services.GetRequiredService<CircuitBreakerRegistry>().Get(breaker));
        }

        if (options.Bulkhead is { } bulkhead)
        {
            builder.AddBulwarkBulkhead(services.GetRequiredService<BulkheadRegistry>().Get(bulkhead));
        }

        if (options.AttemptTimeout is { } attemptTimeout)
        {
            builder.AddTimeout(attemptTimeout);
        }

        return builder;
    }

    /// <summary>
    /// Adds the named Bulwark pipeline to an <see cref="HttpClient"/> as a Microsoft.Extensions.Http.Resilience handler,
    /// retrying transient HTTP failures only, then <see cref="DeadlinePropagationHandler"/> inside it so each attempt
    /// carries <c>X-Deadline</c> and is bounded by the time left.
    /// </summary>
    /// <param name="builder">The client builder.</param>
    /// <param name="pipelineName">The pipeline's name.</param>
    /// <returns>The client builder.</returns>
    public static IHttpClientBuilder AddBulwarkResilienceHandler(this IHttpClientBuilder builder, string pipelineName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineName);
        AddCore(builder.Services);
        builder.Services.AddOptions<BulwarkPipelineOptions>(pipelineName)
            .PostConfigure(o =>
            {
                if (o.Retry is { ShouldRetryResult: null } retry)
                {
                    retry.ForHttp();
                }
            })
            // A misspelt pipeline name would otherwise give a client with nothing but a timeout, silently.
            .Validate(
                o => o.Retry is not null || o.CircuitBreaker is not null || o.Bulkhead is not null || o.RetryBudget is not null,
                $"The resilience pipeline '{pipelineName}' has no retry, circuit breaker, bulkhead or retry budget; configure Bulwark:Resilience:Pipelines:{pipelineName} or fix the name.")
            .ValidateOnStart();
        // An HTTP 5xx is a failure for the breaker even though no exception is thrown: said while the breaker's options
        // are built, before any breaker reads them, never by changing them afterwards.
        builder.Services.AddSingleton(new HttpPipelineName(pipelineName));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<BulwarkCircuitBreakerOptions>, HttpBreakerResults>());
        builder.AddResilienceHandler(pipelineName, (pipeline, context) => pipeline.AddBulwarkPipeline(pipelineName, context.ServiceProvider));
        return builder.AddBulwarkDeadlinePropagation();
    }

    private static void AddCore(IServiceCollection services)
    {
        // A marker keeps repeated calls (AddBulwarkResilience plus several handlers) from stacking validators.
        if (services.Any(static d => d.ServiceType == typeof(CoreMarker)))
        {
            return;
        }

        services.AddSingleton<CoreMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<CircuitBreakerRegistry>();
        services.TryAddSingleton<BulkheadRegistry>();
        services.TryAddSingleton<RetryBudgetRegistry>();
        services.TryAddSingleton<ResponseComposer>();
        services.AddOptions<DegradationOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DeadlinePropagationOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryOptions>().PostConfigure(static telemetry => telemetry.SeverityProvider = QuietPerCallEvents(telemetry.SeverityProvider));
    }

    /// <summary>
    /// Polly.Extensions logs every pipeline execution and attempt at information; under load that is one line per call
    /// (most of a shop's log). Healthy executions go to debug; unhealthy ones keep their warning, and metrics count
    /// every event whatever its severity. A severity provider set by the application still has the first word.
    /// </summary>
    private static Func<SeverityProviderArguments, ResilienceEventSeverity> QuietPerCallEvents(Func<SeverityProviderArguments, ResilienceEventSeverity>? inner) =>
        args =>
        {
            var severity = inner?.Invoke(args) ?? args.Event.Severity;
            return severity == ResilienceEventSeverity.Information && args.Event.EventName is PipelineExecuted or PipelineExecuting or ExecutionAttempt
                ? ResilienceEventSeverity.Debug
                : severity;
        };

    private static void Named<TOptions>(IServiceCollection services, IConfigurationSection section)
        where TOptions : class
    {
        services.AddSingleton<IConfigureOptions<TOptions>>(new SectionPerName<TOptions>(section));
        foreach (var child in section.GetChildren())
        {
            services.AddOptions<TOptions>(child.Key).ValidateDataAnnotations().ValidateOnStart();
        }
    }

    private sealed class CoreMarker;

    private sealed record HttpPipelineName(string Name);

    /// <summary>Breakers used by an HTTP client's pipeline count transient HTTP responses as failures unless told otherwise.</summary>
    private sealed class HttpBreakerResults(IEnumerable<HttpPipelineName> httpPipelines, IOptionsMonitor<BulwarkPipelineOptions> pipelines)
        : IPostConfigureOptions<BulwarkCircuitBreakerOptions>
    {
        public void PostConfigure(string? name, BulwarkCircuitBreakerOptions options)
        {
            if (options.ShouldHandleResult is null && httpPipelines.Any(p => string.Equals(pipelines.Get(p.Name).CircuitBreaker, name, StringComparison.Ordinal)))
            {
                options.ShouldHandleResult = HttpTransient.IsTransientResult;
            }
        }
    }

    private sealed class Builder(IServiceCollection services) : IBulwarkResilienceBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IBulwarkResilienceBuilder AddPipeline(string name, Action<BulwarkPipelineOptions>? configure = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            var options = Services.AddOptions<BulwarkPipelineOptions>(name).ValidateDataAnnotations().ValidateOnStart();
            if (configure is not null)
            {
                options.Configure(configure);
            }

            Services.AddResiliencePipeline(name, (pipeline, context) => pipeline.AddBulwarkPipeline(name, context.ServiceProvider));
            return this;
        }

        public IBulwarkResilienceBuilder ConfigureCircuitBreaker(string name, Action<BulwarkCircuitBreakerOptions> configure) => Configure(name, configure);

        public IBulwarkResilienceBuilder ConfigureBulkhead(string name, Action<BulkheadOptions> configure) => Configure(name, configure);

        public IBulwarkResilienceBuilder ConfigureRetryBudget(string name, Action<RetryBudgetOptions> configure) => Configure(name, configure);

        private Builder Configure<TOptions>(string name, Action<TOptions> configure)
            where TOptions : class
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentNullException.ThrowIfNull(configure);
            Services.AddOptions<TOptions>(name).Configure(configure).ValidateDataAnnotations().ValidateOnStart();
            return this;
        }
    }
}
