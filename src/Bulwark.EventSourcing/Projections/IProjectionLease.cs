namespace Bulwark.EventSourcing;

/// <summary>
/// Who may write a projection's read model when several processes share one event log: one writer per projection,
/// the others follow its checkpoint. A dead writer's lease ends with it, and the next poll of a follower takes over.
/// See docs/data-consistency.md, "One writer per projection".
/// </summary>
public interface IProjectionLease
{
    /// <summary>Keeps the lease of <paramref name="projection"/> if this process holds it, or takes it if it is free.</summary>
    /// <param name="projection">The projection's name.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns><see langword="true"/> when this process is the projection's writer now.</returns>
    ValueTask<bool> TryHoldAsync(string projection, CancellationToken cancellationToken);

    /// <summary>Gives the lease of <paramref name="projection"/> up, if this process holds it.</summary>
    /// <param name="projection">The projection's name.</param>
    /// <returns>A task that completes when the lease is free for another process.</returns>
    ValueTask ReleaseAsync(string projection);
}

/// <summary>A projection was asked to rebuild in a process that is not its writer; another instance holds the lease.</summary>
public sealed class ProjectionLeaseHeldException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ProjectionLeaseHeldException()
    {
        Projection = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ProjectionLeaseHeldException(string message)
        : base(message)
    {
        Projection = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ProjectionLeaseHeldException(string message, Exception innerException)
        : base(message, innerException)
    {
        Projection = string.Empty;
    }

    /// <summary>Creates the exception for <paramref name="projection"/>.</summary>
    /// <param name="projection">The projection's name.</param>
    /// <param name="reason">Why it is refused.</param>
    public ProjectionLeaseHeldException(string projection, string reason)
        : base($"Projection {projection}: {reason}")
    {
        Projection = projection;
    }

    /// <summary>The projection whose writer is another process.</summary>
    public string Projection { get; }
}
