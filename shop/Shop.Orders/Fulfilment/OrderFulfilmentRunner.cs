using System.Collections.Concurrent;
using System.Threading.Channels;
using Bulwark.Sagas;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Orders.Data;

namespace Shop.Orders.Fulfilment;

/// <summary>
/// Runs order sagas in the background after the request answered 202. On start it also begins sagas for pending
/// orders that have none (the process died between the order commit and the saga insert); the library's
/// <see cref="SagaSweeper{TData}"/> resumes the ones that were already running, and any whose run dies here.
/// </summary>
internal sealed partial class OrderFulfilmentRunner(
    SagaOrchestrator<OrderSagaData> orchestrator,
    OrderRepository orders,
    TimeProvider time,
    ILogger<OrderFulfilmentRunner> logger) : BackgroundService
{
    // Only orders of an earlier process can be orphans; a request of this one may sit between its commit and its begin.
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    private readonly Channel<Guid> _queue = Channel.CreateUnbounded<Guid>();
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    public async Task BeginAsync(OrderSagaData data, CancellationToken cancellationToken)
    {
        await orchestrator.BeginAsync(data.OrderId, data, cancellationToken);
        _queue.Writer.TryWrite(data.OrderId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await AdoptOrphansAsync(stoppingToken);
            await foreach (var orderId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                _running[orderId] = RunAsync(orderId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: running sagas stop at their next save and resume on the next start.
        }
        finally
        {
            await Task.WhenAll(_running.Values);
        }
    }

    private async Task AdoptOrphansAsync(CancellationToken cancellationToken)
    {
        foreach (var orderId in await orders.ListPendingAsync(_startedAt, cancellationToken))
        {
            if (await orchestrator.GetAsync(orderId, cancellationToken) is not null)
            {
                continue;
            }

            var order = await orders.FindAsync(orderId, cancellationToken);
            if (order is null)
            {
                continue;
            }

            // The card token was never stored outside the saga, so an orphan cannot be charged: reject it cleanly.
            await orchestrator.BeginAsync(orderId, new OrderSagaData
            {
                OrderId = orderId,
                CustomerId = order.CustomerId,
                Lines = [.. order.Lines],
                TotalCents = order.TotalCents,
                Currency = order.Currency,
                ShippingPostcode = order.ShippingPostcode,
                PlacedAt = order.PlacedAt,
                CardToken = string.Empty,
            }, cancellationToken);
            _queue.Writer.TryWrite(orderId);
        }
    }

    private async Task RunAsync(Guid orderId, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var state = await orchestrator.RunAsync(orderId, stoppingToken);
            LogFinished(logger, orderId, state.Status);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStopped(logger, orderId);
        }
        catch (SagaConcurrencyException)
        {
            // The sweeper is driving this instance; one runner is enough.
        }
        catch (Exception e)
        {
            LogFailed(logger, e, orderId);
        }
        finally
        {
            _running.TryRemove(orderId, out _);
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Order {OrderId} fulfilment ended {Status}")]
    private static partial void LogFinished(ILogger logger, Guid orderId, SagaStatus status);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Order {OrderId} fulfilment stopped mid-way; it resumes on the next start")]
    private static partial void LogStopped(ILogger logger, Guid orderId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Order {OrderId} fulfilment failed unexpectedly; the saga sweeper resumes it")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid orderId);
}
