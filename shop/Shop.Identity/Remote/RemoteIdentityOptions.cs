using System.ComponentModel.DataAnnotations;
using Shop.Infrastructure.ServiceClients;

namespace Shop.Identity.Remote;

/// <summary>
/// Where a process that does not host Identity (an extracted module's service) reaches Identity's contract: the shop's
/// <c>GET /api/users/{id}</c>, called as an operator. Bound from <c>Shop:Identity:Remote</c>.
/// </summary>
internal sealed class RemoteIdentityOptions : IServiceAddress
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Identity:Remote";

    /// <summary>The shop's base address.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5100</c>, the shop's default address.</value>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:5100");

    /// <summary>An operator key the shop accepts (one of its <c>Shop:Admin:ApiKeys</c>), sent in <see cref="ApiKeyHeader"/>.</summary>
    /// <value>No default: the service refuses to start without one.</value>
    [Required(ErrorMessage = "Shop:Identity:Remote:ApiKey is required: set it to one of the shop's Shop:Admin:ApiKeys so this service may read users.")]
    [MinLength(16)]
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>The header the shop reads operator keys from (the shop's <c>Shop:Admin:HeaderName</c>).</summary>
    /// <value>The default value is <c>X-Api-Key</c>.</value>
    [Required]
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>How long one call may take.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
