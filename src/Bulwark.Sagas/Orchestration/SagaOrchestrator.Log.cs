using Microsoft.Extensions.Logging;

namespace Bulwark.Sagas;

public sealed partial class SagaOrchestrator<TData>
{
    [LoggerMessage(EventId = 1800, Level = LogLevel.Information, Message = "Saga {SagaType} {SagaId} confirmed")]
    private static partial void LogConfirmed(ILogger logger, string sagaType, Guid sagaId);

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Saga {SagaType} {SagaId} step {Step} failed after retries; compensating")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string sagaType, Guid sagaId, string step);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Information, Message = "Saga {SagaType} {SagaId} rejected and compensated: {Reason}")]
    private static partial void LogRejected(ILogger logger, string sagaType, Guid sagaId, string? reason);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Critical, Message = "Saga {SagaType} {SagaId} parked: compensation of {Step} keeps failing; an operator must resolve it")]
    private static partial void LogParked(ILogger logger, Exception exception, string sagaType, Guid sagaId, string step);

    [LoggerMessage(EventId = 1804, Level = LogLevel.Information, Message = "Resuming saga {SagaType} {SagaId} ({Status}, {CompletedSteps} steps done)")]
    private static partial void LogResuming(ILogger logger, string sagaType, Guid sagaId, SagaStatus status, int completedSteps);

    [LoggerMessage(EventId = 1807, Level = LogLevel.Error, Message = "Resuming saga {SagaType} {SagaId} failed; the next sweep tries again")]
    private static partial void LogResumeFailed(ILogger logger, Exception exception, string sagaType, Guid sagaId);
}
