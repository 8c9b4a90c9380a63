using System.Diagnostics.Metrics;
using Bulwark.EventSourcing;
using Bulwark.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.DataProducts.Tests;

/// <summary>A sale by a customer; the e-mail is personal data encrypted with the customer's key.</summary>
internal sealed record SaleRecorded(string SaleId, [property: DataSubject] string Customer, [property: PersonalData] string Email, long AmountCents, DateTimeOffset At);

/// <summary>
/// A real event log and key store (SQLite files), a real folder of published versions, and a fake clock: the builder
/// and catalogue exactly as a host wires them.
/// </summary>
internal sealed class DataProductRig : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-dp-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private DataProductRig(DataProduct[] products, string key)
    {
        Directory.CreateDirectory(_folder);
        Options = Microsoft.Extensions.Options.Options.Create(new DataProductOptions { RootPath = Path.Combine(_folder, "products"), PseudonymKey = key });
        var events = SqliteDataSource.CreateDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "events.db"), DefaultTimeout = 60 }.ToString());
        Events = new SqlEventStore(events, Time);
        Keys = new SqlSubjectKeyStore(events, Time);
        Serializer = new EventSerializer(new EventTypeRegistry().Register<SaleRecorded>("sales.SaleRecorded"), Keys);
        Store = new DataProductStore(Options);
        Builder = new DataProductBuilder(products, Events, Serializer, Keys, Store, Options, Time, NullLogger<DataProductBuilder>.Instance);
        Catalog = new DataProductCatalog(Builder, Store, Time, MeterFactory);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero));

    public IOptions<DataProductOptions> Options { get; }

    public SqlEventStore Events { get; }

    public SqlSubjectKeyStore Keys { get; }

    public EventSerializer Serializer { get; }

    public DataProductStore Store { get; }

    public DataProductBuilder Builder { get; }

    public DataProductCatalog Catalog { get; }

    public IMeterFactory MeterFactory => _meters.GetRequiredService<IMeterFactory>();

    public static async Task<DataProductRig> StartAsync(DataProduct? product = null, string? key = null)
    {
        var rig = new DataProductRig([product ?? new SalesProduct()], key ?? Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()));
        await rig.Events.MigrateAsync(TestContext.Current.CancellationToken);
        await rig.Keys.MigrateAsync(TestContext.Current.CancellationToken);
        return rig;
    }

    public async Task RecordAsync(SaleRecorded sale)
    {
        var data = await Serializer.SerializeAsync(sale, TestContext.Current.CancellationToken);
        await Events.AppendAsync($"sale-{sale.SaleId}", ExpectedVersion.NoStream, [data], TestContext.Current.CancellationToken);
    }

    public Task<DataProductVersion> BuildAsync(string id = SalesProduct.Id) => Builder.BuildAsync(id, TestContext.Current.CancellationToken);

    public async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> RowsAsync(long version, string id = SalesProduct.Id) =>
        await ParquetDataset.ReadAsync(Path.Combine(Store.FolderOf(id, version)!, DataProductStore.DataFile), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _meters.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>A product over <see cref="SaleRecorded"/>: the customer pseudonymised, the e-mail left out.</summary>
internal sealed class SalesProduct(string version = "1.0.0", Func<SaleRecorded, Dictionary<string, object?>>? row = null) : DataProduct
{
    public const string Id = "sales";

    public override DataContract Contract { get; } = Declared(version);

    public override IReadOnlySet<string> SourceEvents { get; } = new HashSet<string> { "sales.SaleRecorded" };

    public static DataContract Declared(string version = "1.0.0") => new()
    {
        Id = Id,
        Name = "Sales",
        Version = version,
        Owner = "sales",
        Domain = "sales",
        Description = "Every sale.",
        Freshness = TimeSpan.FromMinutes(30),
        Fields =
        [
            new("sale_id", FieldType.Text, FieldClassification.Internal, "The sale."),
            new("customer", FieldType.Text, FieldClassification.Personal, "Who bought (pseudonym)."),
            new("email", FieldType.Text, FieldClassification.Personal, "Their e-mail (left out).", Personal: PersonalHandling.Omit),
            new("amount_cents", FieldType.WholeNumber, FieldClassification.Internal, "How much."),
            new("vip", FieldType.Boolean, FieldClassification.Internal, "Over 100.00."),
            new("at", FieldType.Timestamp, FieldClassification.Internal, "When."),
            new("note", FieldType.Text, FieldClassification.Public, "Optional note.", Required: false),
        ],
    };

    public override DataProductProjection StartProjection() => new Projection(row ?? DefaultRow);

    private static Dictionary<string, object?> DefaultRow(SaleRecorded sale) => new(StringComparer.Ordinal)
    {
        ["sale_id"] = sale.SaleId,
        ["customer"] = sale.Customer,
        ["email"] = sale.Email,
        ["amount_cents"] = sale.AmountCents,
        ["vip"] = sale.AmountCents > 10_000,
        ["at"] = sale.At,
        ["note"] = null,
    };

    private sealed class Projection(Func<SaleRecorded, Dictionary<string, object?>> row) : DataProductProjection
    {
        private readonly List<DataProductRow> _rows = [];

        public override void Apply(RecordedEvent recorded, object domainEvent)
        {
            if (domainEvent is SaleRecorded sale)
            {
                _rows.Add(new DataProductRow(sale.Customer, row(sale)));
            }
        }

        public override IEnumerable<DataProductRow> Rows() => _rows;
    }
}
