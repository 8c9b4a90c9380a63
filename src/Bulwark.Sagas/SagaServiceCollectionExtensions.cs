using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Sagas;

/// <summary>Configures sagas: choose a store with the adapter's <c>UseSqlite</c> or <c>UsePostgres</c>, then add definitions.</summary>
public interface ISagaBuilder
{
    /// <summary>The service collection being configured.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Registers saga orchestrators.</summary>
public static class SagaServiceCollectionExtensions
{
    /// <summary>Starts saga registration.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder AddBulwarkSagas(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        return new Builder(services);
    }

    /// <summary>
    /// Registers a <see cref="SagaOrchestrator{TData}"/> for <paramref name="definition"/> and a hosted service that
    /// resumes its unfinished instances when the host starts.
    /// </summary>
    /// <typeparam name="TData">The saga's data.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="definition">The steps.</param>
    /// <returns>The builder.</returns>
    public static ISagaBuilder AddSaga<TData>(this ISagaBuilder builder, SagaDefinition<TData> definition)
        where TData : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(definition);
        builder.Services.TryAddSingleton(sp => new SagaOrchestrator<TData>(
            definition,
            sp.GetRequiredService<ISagaStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SagaOrchestrator<TData>>>()));
        builder.Services.AddSingleton<IHostedService, SagaRecoveryService<TData>>();
        return builder;
    }

    private sealed class Builder(IServiceCollection services) : ISagaBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Resumes a saga's unfinished instances in the background after start-up (the crash-recovery half of persistence).</summary>
internal sealed partial class SagaRecoveryService<TData>(SagaOrchestrator<TData> orchestrator, ILogger<SagaRecoveryService<TData>> logger) : BackgroundService
    where TData : class
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var resumed = await orchestrator.ResumeAllAsync(stoppingToken).ConfigureAwait(false);
            LogResumed(logger, orchestrator.SagaType, resumed.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping again mid-recovery is fine: the next start resumes from the saved state.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecoveryFailed(logger, e, orchestrator.SagaType);
        }
    }

    [LoggerMessage(EventId = 1805, Level = LogLevel.Information, Message = "Resumed {Count} unfinished {SagaType} sagas")]
    private static partial void LogResumed(ILogger logger, string sagaType, int count);

    [LoggerMessage(EventId = 1806, Level = LogLevel.Error, Message = "Resuming {SagaType} sagas failed; they stay unfinished until the next start")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception, string sagaType);
}
