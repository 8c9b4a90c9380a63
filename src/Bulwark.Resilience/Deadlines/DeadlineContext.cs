namespace Bulwark.Resilience.Deadlines;

/// <summary>
/// The ambient deadline of the current async flow (a request, a message handler). Set it once at the entry with
/// <see cref="Begin"/>; HTTP handlers, retries and timeouts read it to size their work to what is left.
/// </summary>
public static class DeadlineContext
{
    private static readonly AsyncLocal<DeadlineScope?> CurrentScope = new();

    /// <summary>The deadline of the current flow, if any.</summary>
    public static Deadline? Current => CurrentScope.Value?.Deadline;

    /// <summary>The innermost scope of the current flow, if any.</summary>
    public static DeadlineScope? CurrentScopeOrNull => CurrentScope.Value;

    /// <summary>
    /// Starts a scope whose deadline is <paramref name="deadline"/> or the enclosing one, whichever is earlier, with a
    /// token that is cancelled when the deadline passes or <paramref name="cancellationToken"/> is cancelled.
    /// Dispose it to restore the enclosing scope.
    /// </summary>
    /// <param name="deadline">The deadline to apply.</param>
    /// <param name="timeProvider">The clock that fires the cancellation.</param>
    /// <param name="cancellationToken">The flow's own token (for example <c>HttpContext.RequestAborted</c>).</param>
    /// <returns>The scope.</returns>
    public static DeadlineScope Begin(Deadline deadline, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var parent = CurrentScope.Value;
        var effective = parent is null ? deadline : parent.Deadline.Min(deadline);
        var scope = new DeadlineScope(effective, timeProvider, parent, static s => CurrentScope.Value = s, cancellationToken);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>Makes <paramref name="deadline"/> ambient without a cancellation timer, for callers that enforce it themselves.</summary>
    internal static DeadlineScope BeginUntimed(Deadline deadline, TimeProvider timeProvider)
    {
        var parent = CurrentScope.Value;
        var scope = new DeadlineScope(parent is null ? deadline : parent.Deadline.Min(deadline), timeProvider, parent, static s => CurrentScope.Value = s);
        CurrentScope.Value = scope;
        return scope;
    }
}
