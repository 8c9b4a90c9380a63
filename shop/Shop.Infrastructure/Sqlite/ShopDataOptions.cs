using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Sqlite;

/// <summary>Where the embedded (single-machine) shop keeps its data. Bound from <c>Shop:Data</c>.</summary>
public sealed class ShopDataOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Data";

    /// <summary>The name of the embedded shop database file inside <see cref="Path"/>.</summary>
    public const string DefaultFileName = "shop.db";

    /// <summary>The folder holding the shop's SQLite database (and, later, blobs); created on first start.</summary>
    /// <value>The default value is <c>data</c> under the current directory.</value>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data";

    /// <summary>The SQLite connection string of the shop database under <paramref name="dataPath"/>.</summary>
    public static string ConnectionString(string dataPath) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataPath, DefaultFileName)),
            Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 5,
        }.ToString();
}
