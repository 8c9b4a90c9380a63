using Bulwark.Messaging.Diagnostics;
using Bulwark.Messaging.Transport;
using Microsoft.Extensions.Logging;

namespace Bulwark.Messaging.DeadLetters;

internal sealed partial class DeadLetterAdmin(IMessageTransport transport, MessagingMetrics metrics, ILogger<DeadLetterAdmin> logger) : IDeadLetterAdmin
{
    private IDeadLetterStore Store => transport.DeadLetters;

    public Task<IReadOnlyList<DeadLetter>> ListAsync(DeadLetterFilter? filter = null, CancellationToken cancellationToken = default) =>
        Store.ListAsync(filter ?? new DeadLetterFilter(), cancellationToken);

    public async Task<DeadLetter?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await Store.ListAsync(ById(id), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<bool> RedriveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await RedriveAsync(ById(id), cancellationToken).ConfigureAwait(false) > 0;
    }

    public Task<int> RedriveAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default) =>
        ApplyAsync(filter, Store.RedriveAsync, LogRedriven, cancellationToken);

    public async Task<bool> PurgeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return await PurgeAsync(ById(id), cancellationToken).ConfigureAwait(false) > 0;
    }

    public Task<int> PurgeAsync(DeadLetterFilter filter, CancellationToken cancellationToken = default) =>
        ApplyAsync(filter, Store.PurgeAsync, LogPurged, cancellationToken);

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        var depth = await Store.CountAsync(cancellationToken).ConfigureAwait(false);
        metrics.SetDeadLetterDepth(depth);
        return depth;
    }

    private static DeadLetterFilter ById(string id) => new() { Ids = [id], Limit = 1 };

    // Redrive and purge both take letters out of the queue: each is logged and the depth gauge read again.
    private async Task<int> ApplyAsync(
        DeadLetterFilter filter, Func<DeadLetterFilter, CancellationToken, Task<int>> apply, Action<ILogger, int, string?, string?> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var count = await apply(filter, cancellationToken).ConfigureAwait(false);
        log(logger, count, filter.SourceQueue, filter.MessageType);
        await CountAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }
}
