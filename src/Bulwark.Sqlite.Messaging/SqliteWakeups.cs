using System.Collections.Concurrent;

namespace Bulwark.Sqlite.Messaging;

/// <summary>In-process wake-ups per database file, so a consumer sees a local publish without waiting for its poll.</summary>
internal static class SqliteWakeups
{
    private static readonly ConcurrentDictionary<string, Signal> Signals = new(StringComparer.Ordinal);

    public static Signal For(string databasePath) => Signals.GetOrAdd(databasePath, _ => new Signal());

    internal sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Notify() =>
            Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
