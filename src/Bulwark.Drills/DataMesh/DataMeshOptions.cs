using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.DataMesh;

/// <summary>
/// Which data product the Data Mesh drill builds, where the operator endpoints are, and its thresholds. Needs the
/// operator key (<c>--api-key</c>): the catalogue and the customer erasure are operator endpoints. See
/// <c>docs/drills.md#data-mesh--data-mesh</c>.
/// </summary>
public sealed class DataMeshOptions
{
    /// <summary>The data product built from the customers' orders.</summary>
    /// <value>The default value is <c>orders</c>.</value>
    [Required]
    public string Product { get; set; } = "orders";

    /// <summary>The product's column naming the order (published as it is), to find the drill's own rows.</summary>
    /// <value>The default value is <c>order_id</c>.</value>
    [Required]
    public string OrderColumn { get; set; } = "order_id";

    /// <summary>The product's column naming the customer (personal: published as a pseudonym).</summary>
    /// <value>The default value is <c>customer_id</c>.</value>
    [Required]
    public string CustomerColumn { get; set; } = "customer_id";

    /// <summary>Orders each of the two customers places.</summary>
    /// <value>The default value is 2 (the same customer must get the same pseudonym on each).</value>
    [Range(1, 20)]
    public int OrdersPerCustomer { get; set; } = 2;

    /// <summary>The data product catalogue (operator).</summary>
    /// <value>The default value is <c>/api/data-products</c>.</value>
    [Required]
    public string CataloguePath { get; set; } = "/api/data-products";

    /// <summary>The customer erasure (operator), <c>{id}</c> replaced by the customer's id.</summary>
    /// <value>The default value is <c>/api/users/{id}/personal-data</c> (DELETE).</value>
    [Required]
    public string ForgetPath { get; set; } = "/api/users/{id}/personal-data";

    /// <summary>Where the operator endpoints live, when not on the target (outside Development: the management port).</summary>
    /// <value>The default value is null: the target.</value>
    public Uri? ManagementUrl { get; set; }

    /// <summary>How long the customers' orders may take to be confirmed or rejected before the first build.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the drill looks at the orders while they settle.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10", ParseLimitsInInvariantCulture = true)]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest one on-demand build may take (the POST that builds and publishes a version).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan BuildWithin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The timeout of each of the drill's requests.</summary>
    /// <value>The default value is 60 seconds (a build answers when it is published).</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ParseLimitsInInvariantCulture = true)]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether restore forgets the second customer too, so the drill leaves no readable personal data behind.</summary>
    /// <value>The default value is true.</value>
    public bool ForgetBothAfter { get; set; } = true;
}
