using System.ComponentModel.DataAnnotations;
using Shop.Infrastructure.ServiceClients;

namespace Shop.Inventory.LegacyErp;

/// <summary>Where the legacy ERP's stock export is. Bound from <c>Shop:Inventory:LegacyErp</c>.</summary>
internal sealed class LegacyErpOptions : IServiceAddress
{
    public const string SectionName = "Shop:Inventory:LegacyErp";

    /// <summary>The ERP's base address.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5105</c>.</value>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:5105");

    /// <summary>The ERP plant (warehouse) whose stock this shop sells, four characters.</summary>
    /// <value>The default value is <c>0001</c>.</value>
    [Required]
    [StringLength(4, MinimumLength = 4)]
    public string Plant { get; set; } = "0001";

    /// <summary>How long one export may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
