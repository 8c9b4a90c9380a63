using Microsoft.Data.Sqlite;

namespace Bulwark.Sqlite;

/// <summary>
/// Retries a whole SQLite unit of work (open, transaction, commit) when the file's single write lock stayed busy
/// past the connection's timeout. SQLite answers <c>SQLITE_BUSY</c> at once, without waiting, when a deferred
/// transaction cannot upgrade to a writer; only a fresh transaction can succeed then. See docs/data-consistency.md.
/// </summary>
public static class SqliteBusyRetry
{
    /// <summary>How many times a unit of work runs at most.</summary>
    public const int MaxAttempts = 5;

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>Whether <paramref name="exception"/> is SQLite's "the write lock is taken" (<c>SQLITE_BUSY</c> or <c>SQLITE_LOCKED</c>).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns><see langword="true"/> for a busy or locked database.</returns>
    public static bool IsBusy(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked };

    /// <summary>
    /// Runs <paramref name="work"/>, again after a short growing pause (on <paramref name="timeProvider"/>) when it
    /// failed on a busy database, at most <see cref="MaxAttempts"/> times. <paramref name="work"/> must be a whole
    /// transaction: a busy failure rolled it back, so running it again is safe.
    /// </summary>
    /// <typeparam name="T">The result.</typeparam>
    /// <param name="work">The unit of work.</param>
    /// <param name="timeProvider">The clock for the pauses.</param>
    /// <param name="cancellationToken">Cancels the work and the pauses.</param>
    /// <returns>The result of the first attempt that did not fail on a busy database.</returns>
    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(timeProvider);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work(cancellationToken).ConfigureAwait(false);
            }
            catch (SqliteException e) when (IsBusy(e) && attempt < MaxAttempts)
            {
                // Spread the retries so the waiters of one burst do not all come back in the same millisecond.
                var pause = TimeSpan.FromMilliseconds((10 << attempt) + Random.Shared.Next(0, 20));
                await Task.Delay(pause, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(Func{CancellationToken, Task{T}}, TimeProvider, CancellationToken)"/>
    public static Task RunAsync(Func<CancellationToken, Task> work, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(
            async token =>
            {
                await work(token).ConfigureAwait(false);
                return true;
            },
            timeProvider,
            cancellationToken);
    }
}
