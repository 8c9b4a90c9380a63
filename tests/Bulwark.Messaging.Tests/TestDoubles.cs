using System.ComponentModel.DataAnnotations;
using Bulwark.Messaging.DeadLetters;
using Bulwark.Messaging.Retries;
using Bulwark.Messaging.Transport;

namespace Bulwark.Messaging.Tests;

public sealed record Ping(int Number);

public sealed record Registration([property: Required] string? Email);

public sealed class FixedJitter(double value) : IJitterSource
{
    public double NextDouble() => value;
}

/// <summary>A transport that hands the consumer callback to the test, which then plays deliveries by hand.</summary>
public sealed class ManualTransport : IMessageTransport, IDeadLetterStore
{
    public List<(string Destination, MessageEnvelope Envelope)> Sent { get; } = [];

    public Func<TransportDelivery, CancellationToken, Task>? OnDelivery { get; private set; }

    public long Depth { get; set; }

    public string Name => "manual";

    public IDeadLetterStore DeadLetters => this;

    public Task PublishAsync(string topic, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        Sent.Add(("topic:" + topic, envelope));
        return Task.CompletedTask;
    }

    public Task SendAsync(string queue, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        Sent.Add(("queue:" + queue, envelope));
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> ConsumeAsync(ConsumerEndpoint endpoint, Func<TransportDelivery, CancellationToken, Task> onDelivery, CancellationToken cancellationToken)
    {
        OnDelivery = onDelivery;
        return Task.FromResult<IAsyncDisposable>(new Nothing());
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter filter, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<DeadLetter>>([]);

    public Task<int> RedriveAsync(DeadLetterFilter filter, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<int> PurgeAsync(DeadLetterFilter filter, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<long> CountAsync(CancellationToken cancellationToken) => Task.FromResult(Depth);

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>Records how the bus settled a delivery.</summary>
public sealed class RecordingDelivery(MessageEnvelope envelope, string queue = "q") : TransportDelivery
{
    public override MessageEnvelope Envelope { get; } = envelope;

    public override string Queue { get; } = queue;

    public string? Outcome { get; private set; }

    public TimeSpan? RetryDelay { get; private set; }

    public DeadLetterReason? DeadLetter { get; private set; }

    public override Task AckAsync(CancellationToken cancellationToken)
    {
        Settle("ack");
        return Task.CompletedTask;
    }

    public override Task RetryAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        Settle("retry");
        RetryDelay = delay;
        return Task.CompletedTask;
    }

    public override Task DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken)
    {
        Settle("dead-letter");
        DeadLetter = reason;
        return Task.CompletedTask;
    }

    private void Settle(string outcome)
    {
        Assert.Null(Outcome);
        Outcome = outcome;
    }
}
