using System.ComponentModel.DataAnnotations;

namespace Shop.Infrastructure.Sqlite;

/// <summary>Where the embedded (single-machine) shop keeps its data. Bound from <c>Shop:Data</c>.</summary>
public sealed class ShopDataOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Data";

    /// <summary>The folder holding one SQLite file per module; created on first start.</summary>
    /// <value>The default value is <c>data</c> under the current directory.</value>
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "data";
}
