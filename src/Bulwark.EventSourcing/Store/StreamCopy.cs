namespace Bulwark.EventSourcing;

/// <summary>
/// Copies a stream's history into another store (a cell move, a restore): the target ends up holding the same events
/// with the same event ids, in the same order. Only what the target lacks is appended, so running it again, or copying
/// back a stream that was copied before, changes nothing; a target whose history differs is refused, never merged.
/// </summary>
public static class StreamCopy
{
    /// <summary>Appends to <paramref name="streamId"/> the events of <paramref name="history"/> it does not hold yet.</summary>
    /// <param name="store">The target store.</param>
    /// <param name="streamId">The stream.</param>
    /// <param name="history">The whole history, oldest first, with the source's event ids; built lazily for the missing events only.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    /// <returns>How many events were appended and how many were already there.</returns>
    /// <exception cref="StreamHistoryConflictException">The target's history differs from the source's, is ahead of it, or changed during the copy.</exception>
    public static async Task<StreamCopyResult> AppendMissingAsync(
        this IEventStore store, string streamId, IReadOnlyList<StreamCopyEvent> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(history);
        var here = await store.ReadStreamAsync(streamId, 1, null, cancellationToken).ConfigureAwait(false);
        var common = Math.Min(here.Count, history.Count);
        for (var i = 0; i < common; i++)
        {
            if (here[i].EventId != history[i].EventId)
            {
                throw new StreamHistoryConflictException(streamId, $"event {i + 1} is {here[i].EventId} here and {history[i].EventId} in the source: the histories diverged");
            }
        }

        if (here.Count > history.Count)
        {
            throw new StreamHistoryConflictException(streamId, $"it has {here.Count} events here and {history.Count} in the source: the target is ahead");
        }

        var missing = new List<EventData>(history.Count - common);
        foreach (var item in history.Skip(common))
        {
            missing.Add(await item.Build(cancellationToken).ConfigureAwait(false) with { EventId = item.EventId });
        }

        if (missing.Count > 0)
        {
            try
            {
                await store.AppendAsync(streamId, here.Count, missing, cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException e)
            {
                throw new StreamHistoryConflictException(streamId, $"it changed here during the copy ({e.Message})");
            }
        }

        return new StreamCopyResult(missing.Count, common);
    }
}

/// <summary>One event of a history being copied: its id in the source, and how to build its stored form for the target.</summary>
/// <param name="EventId">The source's event id, kept in the copy.</param>
/// <param name="Build">Makes the event's <see cref="EventData"/> for the target (called only for events the target lacks).</param>
public sealed record StreamCopyEvent(Guid EventId, Func<CancellationToken, ValueTask<EventData>> Build);

/// <summary>What a <see cref="StreamCopy"/> did.</summary>
/// <param name="Appended">Events appended.</param>
/// <param name="AlreadyPresent">Events the target already held.</param>
public sealed record StreamCopyResult(int Appended, int AlreadyPresent);

/// <summary>A stream's history in the target cannot take the source's: it diverged, is ahead, or changed during the copy.</summary>
public sealed class StreamHistoryConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="streamId">The stream.</param>
    /// <param name="reason">What differs.</param>
    public StreamHistoryConflictException(string streamId, string reason)
        : base($"Stream {streamId} cannot take the copied history: {reason}; nothing was appended.") => StreamId = streamId;

    /// <summary>Creates the exception.</summary>
    public StreamHistoryConflictException()
    {
        StreamId = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public StreamHistoryConflictException(string message)
        : base(message) => StreamId = string.Empty;

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StreamHistoryConflictException(string message, Exception innerException)
        : base(message, innerException) => StreamId = string.Empty;

    /// <summary>The stream.</summary>
    public string StreamId { get; }
}
