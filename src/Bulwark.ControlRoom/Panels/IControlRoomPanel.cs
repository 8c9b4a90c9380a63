using Bulwark.ControlRoom.Rendering;
using Microsoft.AspNetCore.Http;

namespace Bulwark.ControlRoom.Panels;

/// <summary>
/// One section of the Control Room: it renders what a component exposes and, optionally, acts on it. Register more with
/// <c>AddBulwarkControlRoom().WithPanel&lt;T&gt;()</c>; panels appear in registration order. See docs/control-room.md.
/// </summary>
public interface IControlRoomPanel
{
    /// <summary>A stable, URL-safe id (letters, digits, '-'): the section's anchor and its action route.</summary>
    string Id { get; }

    /// <summary>The section heading.</summary>
    string Title { get; }

    /// <summary>Writes the panel's current state. Called for the page and for every refresh, so keep it cheap.</summary>
    /// <param name="html">Where to write.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>A task that completes when written.</returns>
    Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken);

    /// <summary>Performs an operator action posted from one of this panel's buttons (antiforgery already checked).</summary>
    /// <param name="action">The action name the button posted.</param>
    /// <param name="form">The posted fields.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <returns>What happened, in one sentence for the page; <see langword="null"/> when the action is unknown.</returns>
    /// <remarks>A read-only panel need not implement it: it knows no action.</remarks>
    Task<string?> ActAsync(string action, IFormCollection form, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
