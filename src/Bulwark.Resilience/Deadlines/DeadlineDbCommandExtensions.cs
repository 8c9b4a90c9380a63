using System.Data.Common;

namespace Bulwark.Resilience.Deadlines;

/// <summary>Bounds database commands (SQLite, PostgreSQL, ...) by the time left of the ambient deadline.</summary>
public static class DeadlineDbCommandExtensions
{
    /// <summary>
    /// Sets <see cref="DbCommand.CommandTimeout"/> to the time left (rounded up to whole seconds, at most the current
    /// timeout) and throws <see cref="DeadlineExceededException"/> before the command runs when the deadline is spent.
    /// Does nothing when no deadline is in scope.
    /// </summary>
    /// <typeparam name="TCommand">The provider's command type.</typeparam>
    /// <param name="command">The command.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The command.</returns>
    public static TCommand WithDeadline<TCommand>(this TCommand command, TimeProvider timeProvider)
        where TCommand : DbCommand
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (DeadlineContext.Current is not { } deadline)
        {
            return command;
        }

        var remaining = deadline.Remaining(timeProvider);
        if (remaining <= TimeSpan.Zero)
        {
            throw new DeadlineExceededException(deadline, "database command");
        }

        // CommandTimeout is whole seconds and 0 means "no limit", so a sub-second budget still gets 1.
        var seconds = (int)Math.Min(int.MaxValue, Math.Ceiling(remaining.TotalSeconds));
        if (command.CommandTimeout == 0 || seconds < command.CommandTimeout)
        {
            command.CommandTimeout = seconds;
        }

        return command;
    }
}
