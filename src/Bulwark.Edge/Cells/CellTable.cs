using System.Collections.Concurrent;
using Bulwark.Edge.Release;
using Microsoft.Data.Sqlite;

namespace Bulwark.Edge.Cells;

/// <summary>
/// Customer → bucket → cell, with an override per customer, kept in SQLite beside the edge so a restart routes
/// everyone as before. A known customer is a dictionary read; only a customer's first request takes the lock and
/// writes a row. Placement: the bucket's cell if it takes new customers, else the open cell with the most room per
/// weight; once placed, a customer stays (a later change of the bucket table or of a cell's mark never moves anyone).
/// </summary>
internal sealed class CellTable : IDisposable
{
    /// <summary>The hash salt: cells and canaries bucket the same customer independently.</summary>
    public const string Salt = "cells";

    private readonly object _gate = new();
    private readonly ConcurrentDictionary<string, string> _placed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _overrides = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CellMark> _marks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.OrdinalIgnoreCase);
    private readonly SqliteConnection? _db;
    private readonly TimeProvider _time;
    private string?[] _buckets;

    public CellTable(string? path, int bucketCount, IReadOnlyDictionary<string, CellOptions> cells, TimeProvider time)
    {
        _time = time;
        _buckets = new string?[bucketCount];
        if (path is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
            _db.Open();
            Execute("""
                PRAGMA journal_mode=WAL;
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS cell_buckets (bucket INTEGER PRIMARY KEY, cell TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS cell_customers (customer TEXT PRIMARY KEY, cell TEXT NOT NULL, placed_at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS cell_overrides (customer TEXT PRIMARY KEY, cell TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS cell_marks (cell TEXT PRIMARY KEY, mark TEXT NOT NULL);
                """);
            Load();
        }

        if (_buckets.All(b => b is null))
        {
            FillBuckets(cells);
        }

        Recount();
    }

    public int BucketCount => _buckets.Length;

    /// <summary>The customer's bucket.</summary>
    public int BucketOf(string customer) => CustomerBuckets.Of(Salt, customer, _buckets.Length);

    /// <summary>The cell a customer is already assigned to (override, then placement), or null for a new customer.</summary>
    public CellAssignment? Find(string customer) =>
        _overrides.TryGetValue(customer, out var pinned) ? new CellAssignment(customer, pinned, CellSource.Override, BucketOf(customer))
        : _placed.TryGetValue(customer, out var placed) ? new CellAssignment(customer, placed, CellSource.Placed, BucketOf(customer))
        : null;

    /// <summary>
    /// The customer's cell, placing a new customer first: their bucket's cell when <paramref name="takesNew"/> says it
    /// takes new customers, else the cell with the most room per weight that does; null when none does.
    /// </summary>
    public CellAssignment? Resolve(string customer, IReadOnlyDictionary<string, CellOptions> cells, Func<string, bool> takesNew)
    {
        if (Find(customer) is { } known)
        {
            return known;
        }

        lock (_gate)
        {
            if (Find(customer) is { } raced)
            {
                return raced;
            }

            var bucket = BucketOf(customer);
            string? cell = null;
            var source = CellSource.Bucket;
            if (_buckets[bucket] is { } home && cells.TryGetValue(home, out var homeOptions) && Open(home, homeOptions, takesNew))
            {
                cell = cells.Keys.First(k => string.Equals(k, home, StringComparison.OrdinalIgnoreCase));
            }
            else
            {
                source = CellSource.Capacity;
                cell = cells.Where(c => c.Value.Weight > 0 && Open(c.Key, c.Value, takesNew))
                    .OrderBy(c => Count(c.Key) / c.Value.Weight)
                    .ThenBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => c.Key)
                    .FirstOrDefault();
            }

            if (cell is null)
            {
                return null;
            }

            Execute("INSERT OR REPLACE INTO cell_customers (customer, cell, placed_at) VALUES ($1, $2, $3)", customer, cell, Now());
            _placed[customer] = cell;
            _counts.AddOrUpdate(cell, 1, (_, n) => n + 1);
            return new CellAssignment(customer, cell, source, bucket);
        }
    }

    /// <summary>Pins a customer to a cell (an operator's override, or the flip at the end of a move).</summary>
    public void Pin(string customer, string cell, string reason)
    {
        lock (_gate)
        {
            Execute("INSERT OR REPLACE INTO cell_overrides (customer, cell, reason, at) VALUES ($1, $2, $3, $4)", customer, cell, reason, Now());
            _overrides[customer] = cell;
            Recount();
        }
    }

    public CellMark MarkOf(string cell) => _marks.GetValueOrDefault(cell, CellMark.Open);

    public void Mark(string cell, CellMark mark)
    {
        lock (_gate)
        {
            Execute("INSERT OR REPLACE INTO cell_marks (cell, mark) VALUES ($1, $2)", cell, mark.ToString());
            _marks[cell] = mark;
        }
    }

    /// <summary>Customers whose cell this is (placed there and not overridden elsewhere, or overridden there).</summary>
    public int Count(string cell) => _counts.GetValueOrDefault(cell);

    public int Overrides => _overrides.Count;

    /// <summary>How many buckets point at each cell.</summary>
    public IReadOnlyDictionary<string, int> BucketsPerCell() =>
        Volatile.Read(ref _buckets).Where(b => b is not null).GroupBy(b => b!, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    public void Dispose() => _db?.Dispose();

    private bool Open(string cell, CellOptions options, Func<string, bool> takesNew) =>
        MarkOf(cell) == CellMark.Open && Count(cell) < options.Capacity && takesNew(cell);

    // Buckets split by weight in the cells' configured order, once: later weight changes steer new customers only.
    private void FillBuckets(IReadOnlyDictionary<string, CellOptions> cells)
    {
        var weighted = cells.Where(c => c.Value.Weight > 0).ToList();
        var total = weighted.Sum(c => c.Value.Weight);
        if (weighted.Count == 0)
        {
            return;
        }

        var buckets = new string?[_buckets.Length];
        double upTo = 0;
        var next = 0;
        foreach (var (name, options) in weighted)
        {
            upTo += options.Weight / total * buckets.Length;
            for (; next < Math.Min(buckets.Length, (int)Math.Round(upTo)); next++)
            {
                buckets[next] = name;
            }
        }

        for (; next < buckets.Length; next++)
        {
            buckets[next] = weighted[^1].Key;
        }

        lock (_gate)
        {
            if (_db is not null)
            {
                // One transaction: a crash while the table is first made leaves no half-filled bucket table.
                Execute("BEGIN");
                for (var i = 0; i < buckets.Length; i++)
                {
                    Execute("INSERT OR REPLACE INTO cell_buckets (bucket, cell) VALUES ($1, $2)", i, buckets[i]!);
                }

                Execute("COMMIT");
            }

            Volatile.Write(ref _buckets, buckets);
        }
    }

    private void Load()
    {
        using (var command = Command("SELECT bucket, cell FROM cell_buckets"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var bucket = reader.GetInt32(0);
                if (bucket < _buckets.Length)
                {
                    _buckets[bucket] = reader.GetString(1);
                }
            }
        }

        Read("SELECT customer, cell FROM cell_customers", (customer, cell) => _placed[customer] = cell);
        Read("SELECT customer, cell FROM cell_overrides", (customer, cell) => _overrides[customer] = cell);
        Read("SELECT cell, mark FROM cell_marks", (cell, mark) => _marks[cell] = Enum.Parse<CellMark>(mark));
    }

    private void Read(string sql, Action<string, string> row)
    {
        using var command = Command(sql);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader.GetString(0), reader.GetString(1));
        }
    }

    // Runs under _gate (or in the constructor): every customer counted once, at their effective cell.
    private void Recount()
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (customer, cell) in _placed)
        {
            if (!_overrides.ContainsKey(customer))
            {
                counts[cell] = counts.GetValueOrDefault(cell) + 1;
            }
        }

        foreach (var cell in _overrides.Values)
        {
            counts[cell] = counts.GetValueOrDefault(cell) + 1;
        }

        _counts.Clear();
        foreach (var (cell, n) in counts)
        {
            _counts[cell] = n;
        }
    }

    private string Now() => _time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private void Execute(string sql, params object[] parameters)
    {
        if (_db is null)
        {
            return;
        }

        using var command = Command(sql);
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue("$" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), parameters[i]);
        }

        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        var command = _db!.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}

/// <summary>Where a customer is served and why.</summary>
/// <param name="Customer">The customer id.</param>
/// <param name="Cell">The cell.</param>
/// <param name="Source">Why that cell.</param>
/// <param name="Bucket">The customer's bucket.</param>
public sealed record CellAssignment(string Customer, string Cell, CellSource Source, int Bucket);

/// <summary>Why a customer is served by their cell.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CellSource>))]
public enum CellSource
{
    /// <summary>An operator pinned them, or a move flipped them there.</summary>
    Override,

    /// <summary>Placed there on an earlier request.</summary>
    Placed,

    /// <summary>New: their bucket's cell took them.</summary>
    Bucket,

    /// <summary>New: their bucket's cell took no new customers, so the cell with the most room did.</summary>
    Capacity,
}
