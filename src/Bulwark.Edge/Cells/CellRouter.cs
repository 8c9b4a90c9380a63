using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Bulwark.Edge.Cells;

/// <summary>
/// The cell router's state: the options in force, the customer table, each cell's health, the customers being moved
/// (fenced) and their writes in flight. Requests read it without locks; changes are logged once each.
/// </summary>
internal sealed partial class CellRouter : IDisposable
{
    private readonly TimeProvider _time;
    private readonly EdgeMetrics _metrics;
    private readonly ILogger<CellRouter> _logger;
    private readonly ConcurrentDictionary<string, CellHealth> _health = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _fenced = new(StringComparer.Ordinal);
    private CellsOptions _options = new();
    private CellTable? _table;
    private long[] _writesInFlight = [];
    private int _next;

    public CellRouter(TimeProvider time, EdgeMetrics metrics, ILogger<CellRouter> logger)
    {
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    public CellsOptions Options => Volatile.Read(ref _options);

    /// <summary>The table; null when no cell is configured.</summary>
    public CellTable? Table => Volatile.Read(ref _table);

    public bool Enabled => Options.Cells.Count > 0 && Table is not null;

    public IReadOnlyCollection<CellHealth> Health => [.. _health.Values];

    public CellHealth HealthOf(string cell) => _health.GetOrAdd(cell, c => new CellHealth(c));

    /// <summary>Takes new options; the first with cells opens the table (its path and bucket count are fixed from then on).</summary>
    internal void Apply(CellsOptions options)
    {
        Volatile.Write(ref _options, options);
        if (options.Cells.Count == 0)
        {
            return;
        }

        foreach (var cell in options.Cells.Keys)
        {
            _ = HealthOf(cell);
        }

        if (Table is null)
        {
            var table = new CellTable(options.TablePath, options.BucketCount, options.Cells, _time);
            Volatile.Write(ref _writesInFlight, new long[table.BucketCount]);
            Volatile.Write(ref _table, table);
            var perCell = string.Join(", ", table.BucketsPerCell().Select(p => $"{p.Key}={p.Value}"));
            LogTableOpened(options.TablePath ?? "(memory)", table.BucketCount, perCell);
        }

        if (options.Routing == CellRouting.Pool)
        {
            LogPoolRouting();
        }
    }

    /// <summary>Whether a cell serves its customers now: configured, not marked down by an operator, healthy.</summary>
    public bool Serves(string cell) =>
        Options.Cells.ContainsKey(cell) && Table!.MarkOf(cell) != CellMark.Down && HealthOf(cell).IsUp;

    /// <summary>The customer's cell, placing a new one among the cells that serve and take new customers.</summary>
    public CellAssignment? Resolve(string customer) => Table!.Resolve(customer, Options.Cells, Serves);

    /// <summary>A cell for someone the edge does not know (anonymous browsing): any serving cell, in turn.</summary>
    public string? AnyServing()
    {
        var serving = Options.Cells.Keys.Where(Serves).ToList();
        return serving.Count == 0 ? null : serving[(int)((uint)Interlocked.Increment(ref _next) % (uint)serving.Count)];
    }

    /// <summary>The cell that serves the global paths.</summary>
    public string GlobalCell => Options.GlobalCell ?? Options.Cells.Keys.First();

    public bool IsGlobal(string path) =>
        Options.GlobalPaths.Any(p => path.StartsWith(p, StringComparison.OrdinalIgnoreCase) && (path.Length == p.Length || path[p.Length] == '/' || p.EndsWith('/')));

    public bool IsFenced(string customer) => _fenced.ContainsKey(customer);

    public void Fence(string customer) => _fenced[customer] = 0;

    public void Unfence(string customer) => _fenced.TryRemove(customer, out _);

    /// <summary>Counts a customer's write in flight (striped by bucket); dispose when it ends.</summary>
    public WriteInFlight BeginWrite(string customer) => new(Volatile.Read(ref _writesInFlight), Table!.BucketOf(customer));

    /// <summary>Writes in flight in the customer's bucket (theirs and their bucket-mates': never fewer than theirs).</summary>
    public long WritesInFlight(string customer) => Interlocked.Read(ref Volatile.Read(ref _writesInFlight)[Table!.BucketOf(customer)]);

    /// <summary>Records a customer request's outcome for the passive health and the metrics.</summary>
    public void Record(string cell, CellOutcome outcome, string? what = null)
    {
        _metrics.CellRequests.Add(1, new TagList { { "cell", cell }, { "outcome", outcome.ToString().ToLowerInvariant() } });
        var health = HealthOf(cell);
        switch (outcome)
        {
            case CellOutcome.Answered:
                health.Answered();
                break;
            case CellOutcome.NotAnswered when health.NotAnswered(Options.Health.PassiveFailures, what ?? "no answer", _time.GetUtcNow()):
                LogCellDown(cell, health.Reason!);
                break;
        }
    }

    /// <summary>Records a probe's outcome.</summary>
    public void RecordProbe(string cell, bool passed, string what)
    {
        var health = HealthOf(cell);
        if (health.Probed(passed, Options.Health.ProbeFailures, what, _time.GetUtcNow()))
        {
            if (health.IsUp)
            {
                LogCellUp(cell);
            }
            else
            {
                LogCellDown(cell, health.Reason!);
            }
        }
    }

    public void Pin(string customer, string cell, string reason)
    {
        var before = Table!.Find(customer);
        Table.Pin(customer, cell, reason);
        LogPinned(customer, before?.Cell ?? "(none)", cell, reason);
    }

    public void Mark(string cell, CellMark mark)
    {
        var before = Table!.MarkOf(cell);
        Table.Mark(cell, mark);
        if (before != mark)
        {
            LogMarked(cell, before, mark);
        }
    }

    public void Dispose() => _table?.Dispose();

    [LoggerMessage(EventId = EdgeEventIds.CellTableOpened, Level = LogLevel.Information, Message = "Cell table at {Path}: {Buckets} buckets ({PerCell})")]
    private partial void LogTableOpened(string path, int buckets, string perCell);

    [LoggerMessage(EventId = EdgeEventIds.CellPoolRouting, Level = LogLevel.Warning, Message = "Edge:Cells:Routing is Pool: every request goes to any cell, no isolation and no health; only to show what cells prevent")]
    private partial void LogPoolRouting();

    [LoggerMessage(EventId = EdgeEventIds.CellDown, Level = LogLevel.Error, Message = "Cell {Cell} is down: {Reason}; its customers get 503 until a probe passes")]
    private partial void LogCellDown(string cell, string reason);

    [LoggerMessage(EventId = EdgeEventIds.CellUp, Level = LogLevel.Warning, Message = "Cell {Cell} is up again: a probe passed")]
    private partial void LogCellUp(string cell);

    [LoggerMessage(EventId = EdgeEventIds.CellPinned, Level = LogLevel.Warning, Message = "Customer {Customer} pinned from cell {From} to {To}: {Reason}")]
    private partial void LogPinned(string customer, string from, string to, string reason);

    [LoggerMessage(EventId = EdgeEventIds.CellMarked, Level = LogLevel.Warning, Message = "Cell {Cell} marked {To} (was {From})")]
    private partial void LogMarked(string cell, CellMark from, CellMark to);

    /// <summary>One write in flight in a bucket; disposing ends it.</summary>
    internal readonly struct WriteInFlight : IDisposable
    {
        private readonly long[] _counts;
        private readonly int _bucket;

        public WriteInFlight(long[] counts, int bucket)
        {
            (_counts, _bucket) = (counts, bucket);
            Interlocked.Increment(ref counts[bucket]);
        }

        public void Dispose()
        {
            // default(WriteInFlight) stands for "not a write" and counts nothing.
            if (_counts is not null)
            {
                Interlocked.Decrement(ref _counts[_bucket]);
            }
        }
    }
}

/// <summary>How a customer request to a cell ended.</summary>
internal enum CellOutcome
{
    /// <summary>The cell answered (whatever the status: a 500 is the cell's own answer, not a dead cell).</summary>
    Answered,

    /// <summary>No answer: refused, reset or timed out.</summary>
    NotAnswered,

    /// <summary>The router answered 503 itself: the cell is down or marked down.</summary>
    Refused,

    /// <summary>A write answered 503 because the customer is being moved.</summary>
    Fenced,
}
