using DotNetCore.CAP;
using DotNetCore.CAP.Messages;
using DotNetCore.CAP.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Data.Benchmarks;

/// <summary>
/// The benchmark's CAP transport: CAP only publishes through a registered transport, and no broker transport package
/// is served here, so this one accepts every message at once and counts it. Everything before the transport (CAP's
/// <c>published</c> table, its transaction, its dispatcher and the status update after each send) is CAP's own code.
/// </summary>
internal sealed class CountingCapTransport(DeliveryCounter counter) : ITransport
{
    public BrokerAddress BrokerAddress { get; } = new("counting", "in-process");

    public Task<OperateResult> SendAsync(TransportMessage message)
    {
        counter.Add();
        return Task.FromResult(OperateResult.Success);
    }
}

/// <summary>Counts deliveries and completes a task when the expected number arrived.</summary>
public sealed class DeliveryCounter
{
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Starts counting from zero; the returned task completes at <paramref name="expected"/> deliveries.</summary>
    public Task Expect(int expected)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _count, 0);
        Volatile.Write(ref _expected, expected);
        return _done.Task;
    }

    public void Add()
    {
        if (Interlocked.Increment(ref _count) == Volatile.Read(ref _expected))
        {
            _done.TrySetResult();
        }
    }
}

/// <summary>Registers <see cref="CountingCapTransport"/> the way CAP's transport packages register theirs.</summary>
internal sealed class CountingCapTransportExtension(DeliveryCounter counter) : ICapOptionsExtension
{
    public void AddServices(IServiceCollection services)
    {
        services.AddSingleton(new CapMessageQueueMakerService("Counting"));
        services.AddSingleton(counter);
        services.AddSingleton<ITransport, CountingCapTransport>();
        services.AddSingleton<IConsumerClientFactory, IdleConsumerClientFactory>();
    }
}

/// <summary>The benchmark has no CAP subscribers; a consumer client that listens to nothing satisfies the contract.</summary>
internal sealed class IdleConsumerClientFactory : IConsumerClientFactory
{
    public Task<IConsumerClient> CreateAsync(string groupName, byte groupConcurrent) => Task.FromResult<IConsumerClient>(new IdleConsumerClient());

    private sealed class IdleConsumerClient : IConsumerClient
    {
        public BrokerAddress BrokerAddress { get; } = new("counting", "in-process");

        public Func<TransportMessage, object?, Task>? OnMessageCallback { get; set; }

        public Action<LogMessageEventArgs>? OnLogCallback { get; set; }

        public Task<ICollection<string>> FetchTopicsAsync(IEnumerable<string> topicNames) => Task.FromResult<ICollection<string>>([.. topicNames]);

        public Task SubscribeAsync(IEnumerable<string> topics) => Task.CompletedTask;

        public Task ListeningAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

        public Task CommitAsync(object? sender) => Task.CompletedTask;

        public Task RejectAsync(object? sender) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
