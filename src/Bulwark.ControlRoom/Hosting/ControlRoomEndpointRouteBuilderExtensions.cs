using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.ControlRoom.Hosting;

/// <summary>Maps the Control Room's pages. See docs/control-room.md.</summary>
public static class ControlRoomEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the Control Room under <paramref name="prefix"/>: the page (<c>GET {prefix}</c>), one panel's fragment for
    /// the page's refresh (<c>GET {prefix}/panels/{id}</c>), panel actions (<c>POST {prefix}/panels/{id}/{verb}</c>,
    /// antiforgery-checked), a trace's waterfall (<c>GET {prefix}/traces?traceId=</c>), a listed drill report (<c>GET {prefix}/drills/{file}</c>) and its script and style sheet.
    /// Every route requires <paramref name="policy"/> (an authenticated caller when <see langword="null"/>); it is never
    /// anonymous. Needs <c>AddBulwarkControlRoom</c>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="prefix">The path, e.g. <c>/control</c>.</param>
    /// <param name="policy">The authorization policy operators satisfy, e.g. the host's operator policy.</param>
    /// <returns>The route group, to add more conventions (a management port, a rate limit).</returns>
    public static RouteGroupBuilder MapBulwarkControlRoom(this IEndpointRouteBuilder endpoints, string prefix = "/control", string? policy = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (!prefix.StartsWith('/') || prefix.Length > 1 && prefix.EndsWith('/'))
        {
            throw new ArgumentException($"The Control Room's prefix must start with '/' and not end with one, e.g. /control; got '{prefix}'.", nameof(prefix));
        }

        var group = endpoints.MapGroup(prefix).WithTags("Control Room").ExcludeFromDescription();
        if (policy is null)
        {
            group.RequireAuthorization();
        }
        else
        {
            group.RequireAuthorization(policy);
        }

        var pages = new ControlRoomPages(prefix);
        group.MapGet("/", pages.PageAsync).WithName("ControlRoom");
        group.MapGet("/panels/{id}", pages.PanelAsync).WithName("ControlRoomPanel");
        group.MapPost("/panels/{id}/{verb}", pages.ActAsync).WithName("ControlRoomAction");
        group.MapGet("/traces", pages.TraceAsync).WithName("ControlRoomTrace");
        group.MapGet("/drills/{name}", ControlRoomPages.DrillReportAsync).WithName("ControlRoomDrillReport");
        group.MapGet("/assets/{name}", ControlRoomPages.Asset).WithName("ControlRoomAsset");
        return group;
    }
}
