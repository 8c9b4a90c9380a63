using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Data;

/// <summary>The databases the shop runs on (docs/shop.md, "Running on PostgreSQL").</summary>
public enum ShopDataProvider
{
    /// <summary>One embedded SQLite file, <c>shop.db</c> in <see cref="ShopDataOptions.Path"/> (ADR 0002).</summary>
    Sqlite,

    /// <summary>One PostgreSQL database at <see cref="ShopDataOptions.ConnectionString"/>.</summary>
    Postgres,
}

/// <summary>
/// Where the shop keeps its data. Bound from <c>Shop:Data</c>: <c>Provider</c> moves every module, the outbox,
/// idempotency, the inbox, sagas, the event store and projections to one database at once.
/// </summary>
public sealed class ShopDataOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Data";

    /// <summary>The name of the embedded shop database file inside <see cref="Path"/>.</summary>
    public const string DefaultFileName = "shop.db";

    /// <summary>Which database holds the shop's tables.</summary>
    /// <value>The default value is <see cref="ShopDataProvider.Sqlite"/>.</value>
    public ShopDataProvider Provider { get; set; } = ShopDataProvider.Sqlite;

    /// <summary>
    /// The folder for the shop's files: the SQLite database (with <see cref="ShopDataProvider.Sqlite"/>), the embedded
    /// message queue and claim checks (whatever the provider); created on first start.
    /// </summary>
    /// <value>The default value is <c>data</c> under the current directory.</value>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data";

    /// <summary>The Npgsql connection string; required with <see cref="ShopDataProvider.Postgres"/>, unused otherwise.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long readiness waits for the database to take a write before it answers 503: a locked or hung database
    /// must fail the probe fast, not hang it. Keep it under the load balancer's probe timeout.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30", ParseLimitsInInvariantCulture = true)]
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ShopDataProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(Provider)} is Postgres but {SectionName}:{nameof(ConnectionString)} is empty; set it to an Npgsql connection string.",
                [nameof(ConnectionString)]);
        }
    }

    /// <summary>The SQLite connection string of the shop database under <paramref name="dataPath"/>.</summary>
    /// <param name="dataPath">The data folder.</param>
    /// <returns>The connection string.</returns>
    public static string SqliteConnectionString(string dataPath) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataPath, DefaultFileName)),
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
}
