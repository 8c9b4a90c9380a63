using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Outbox;

/// <summary>
/// Polls the outbox, publishes claimed batches through the <see cref="IOutboxTransport"/> and marks them published.
/// At least once: a crash between publish and mark republishes the batch, so consumers dedupe on
/// <see cref="OutboxMessage.MessageId"/>. In order per partition key: a failed message blocks the later messages
/// of its key in the batch, and the store keeps other relays off keys this one holds.
/// </summary>
public sealed partial class OutboxRelay : BackgroundService
{
    /// <summary>The <c>store</c> tag of a relay created without a store name: the application's one outbox.</summary>
    public const string DefaultStoreName = "default";

    private static readonly TimeSpan BacklogRefresh = TimeSpan.FromSeconds(5);

    private readonly IOutboxStore _store;
    private readonly IOutboxTransport _transport;
    private readonly OutboxRelayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly OutboxMetrics _metrics;
    private DateTimeOffset _nextCleanup;
    private DateTimeOffset _nextBacklog;

    /// <summary>Creates a relay.</summary>
    /// <param name="store">The outbox table.</param>
    /// <param name="transport">Where messages are published.</param>
    /// <param name="options">Batch size, poll interval, retention.</param>
    /// <param name="timeProvider">The clock for polling, backoff and lag.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Outbox</c> meter; a private meter when <see langword="null"/>.</param>
    public OutboxRelay(
        IOutboxStore store,
        IOutboxTransport transport,
        IOptions<OutboxRelayOptions> options,
        TimeProvider timeProvider,
        ILogger<OutboxRelay> logger,
        IMeterFactory? meterFactory = null)
        : this(store, DefaultStoreName, transport, options, timeProvider, logger, meterFactory)
    {
    }

    /// <summary>Creates a relay for one of several outbox stores (a shard's), its metrics tagged with <paramref name="storeName"/>.</summary>
    /// <param name="store">The outbox table.</param>
    /// <param name="storeName">The <c>store</c> tag of its metrics and logs (e.g. the shard's name).</param>
    /// <param name="transport">Where messages are published.</param>
    /// <param name="options">Batch size, poll interval, retention.</param>
    /// <param name="timeProvider">The clock for polling, backoff and lag.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the <c>Bulwark.Outbox</c> meter; a private meter when <see langword="null"/>.</param>
    public OutboxRelay(
        IOutboxStore store,
        string storeName,
        IOutboxTransport transport,
        IOptions<OutboxRelayOptions> options,
        TimeProvider timeProvider,
        ILogger<OutboxRelay> logger,
        IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storeName);
        StoreName = storeName;
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _metrics = new OutboxMetrics(meterFactory, storeName);
        _nextCleanup = timeProvider.GetUtcNow();
        _nextBacklog = _nextCleanup;
    }

    /// <summary>The store this relay drains (the <c>store</c> tag of its metrics).</summary>
    public string StoreName { get; }

    /// <summary>Claims one batch, publishes it and marks what the transport accepted.</summary>
    /// <param name="cancellationToken">Cancels the batch; the claim is then released and nothing is marked.</param>
    /// <returns>What happened to the batch.</returns>
    public async Task<OutboxRelayResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claim = await _store.ClaimAsync(_options.BatchSize, cancellationToken).ConfigureAwait(false);
        await using (claim.ConfigureAwait(false))
        {
            if (claim.Messages.Count == 0)
            {
                return default;
            }

            var published = new List<long>(claim.Messages.Count);
            HashSet<string>? blockedKeys = null;
            foreach (var message in claim.Messages)
            {
                if (blockedKeys?.Contains(message.PartitionKey) == true)
                {
                    continue;
                }

                try
                {
                    await _transport.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // Later messages of this key wait for it, so a consumer never sees them out of order.
                    (blockedKeys ??= new(StringComparer.Ordinal)).Add(message.PartitionKey);
                    _metrics.PublishFailed(message.Topic);
                    LogPublishFailed(_logger, e, message.MessageId, message.Topic, message.PartitionKey);
                    continue;
                }

                published.Add(message.Position);
                _metrics.Published(message.Topic, _timeProvider.GetUtcNow() - message.CreatedAt);
            }

            await claim.CompleteAsync(published, cancellationToken).ConfigureAwait(false);
            return new OutboxRelayResult(claim.Messages.Count, published.Count, claim.Messages.Count - published.Count);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(_logger, StoreName, _options.BatchSize, _options.PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var result = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                wait = result.Failed > 0 ? _options.FailureBackoff
                    : result.Claimed < _options.BatchSize ? _options.PollInterval
                    : TimeSpan.Zero;
                await HousekeepAsync(result.Claimed == 0, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store is unreachable: nothing was marked, so nothing is lost; try again after the backoff.
                LogStoreFailed(_logger, e, StoreName);
                wait = _options.FailureBackoff;
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }

        LogStopped(_logger, StoreName);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _metrics.Dispose();
        base.Dispose();
    }

    private async Task HousekeepAsync(bool idle, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (idle || now >= _nextBacklog)
        {
            var backlog = await _store.GetBacklogAsync(cancellationToken).ConfigureAwait(false);
            _metrics.Backlog(backlog, now);
            _nextBacklog = now + BacklogRefresh;
        }

        if (now >= _nextCleanup)
        {
            var purged = await _store.PurgePublishedAsync(now - _options.PublishedRetention, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                LogPurged(_logger, purged);
            }

            _nextCleanup = now + _options.CleanupInterval;
        }
    }
}

/// <summary>What one relay batch did.</summary>
/// <param name="Claimed">Messages claimed.</param>
/// <param name="Published">Messages the transport accepted and that are now marked published.</param>
/// <param name="Failed">Messages left for a later batch (failed, or behind a failed message of their key).</param>
public readonly record struct OutboxRelayResult(int Claimed, int Published, int Failed);
