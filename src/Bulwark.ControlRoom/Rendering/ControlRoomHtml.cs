using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Bulwark.ControlRoom.Rendering;

/// <summary>
/// Writes one panel's HTML: every text is encoded, and actions become same-origin POST forms that carry the antiforgery
/// token. Panels never write raw markup, so nothing a message or a tag holds can inject into the page.
/// </summary>
public sealed class ControlRoomHtml
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;
    private readonly StringBuilder _html = new();
    private readonly string _actionBase;
    private readonly string _tokenField;
    private readonly string _token;

    internal ControlRoomHtml(string prefix, string actionBase, string tokenField, string token)
    {
        Prefix = prefix;
        _actionBase = actionBase;
        _tokenField = tokenField;
        _token = token;
    }

    /// <summary>Writes a paragraph; <paramref name="tone"/> is <c>muted</c>, <c>warn</c> or <c>bad</c> for emphasis.</summary>
    public void Paragraph(string text, string? tone = null)
    {
        _html.Append(tone is null ? "<p>" : $"<p class=\"{Attribute(tone)}\">");
        _html.Append(Encoder.Encode(text)).Append("</p>");
    }

    /// <summary>Writes a sub-heading inside the panel (the panel's own title is an <c>h2</c>).</summary>
    public void Heading(string text) => _html.Append("<h3>").Append(Encoder.Encode(text)).Append("</h3>");

    /// <summary>Starts a table with a caption (for screen readers) and column headers.</summary>
    public void BeginTable(string caption, params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _html.Append("<table><caption>").Append(Encoder.Encode(caption)).Append("</caption><thead><tr>");
        foreach (var header in headers)
        {
            _html.Append("<th scope=\"col\">").Append(Encoder.Encode(header)).Append("</th>");
        }

        _html.Append("</tr></thead><tbody>");
    }

    /// <summary>Starts a row; <paramref name="id"/> becomes a <c>data-row</c> attribute that tests and scripts can find.</summary>
    public void BeginRow(string? id = null) =>
        _html.Append(id is null ? "<tr>" : $"<tr data-row=\"{Attribute(id)}\">");

    /// <summary>Writes a text cell; <paramref name="tone"/> colours it (<c>ok</c>, <c>warn</c>, <c>bad</c>, <c>muted</c>).</summary>
    public void Cell(string? text, string? tone = null)
    {
        _html.Append(tone is null ? "<td>" : $"<td class=\"{Attribute(tone)}\">");
        _html.Append(Encoder.Encode(text ?? string.Empty)).Append("</td>");
    }

    /// <summary>Writes a number cell, right-aligned.</summary>
    public void Cell(double value, string? tone = null) =>
        Cell(value.ToString(Math.Abs(value % 1) < 1e-9 ? "N0" : "N2", CultureInfo.InvariantCulture), tone is null ? "num" : tone + " num");

    /// <summary>Starts a cell that holds other content (buttons, details).</summary>
    public void BeginCell() => _html.Append("<td>");

    /// <summary>Ends a cell started with <see cref="BeginCell"/>.</summary>
    public void EndCell() => _html.Append("</td>");

    /// <summary>Ends a row.</summary>
    public void EndRow() => _html.Append("</tr>");

    /// <summary>Ends a table.</summary>
    public void EndTable() => _html.Append("</tbody></table>");

    /// <summary>Writes a disclosure (keyboard operable without script) with preformatted text inside.</summary>
    public void Details(string summary, string text)
    {
        _html.Append("<details><summary>").Append(Encoder.Encode(summary)).Append("</summary><pre>")
            .Append(Encoder.Encode(text)).Append("</pre></details>");
    }

    /// <summary>
    /// Writes a button that POSTs <paramref name="action"/> to this panel with <paramref name="fields"/>, the antiforgery
    /// token included. <paramref name="accessibleName"/> says what the button does to what ("Redrive dead letter 42").
    /// </summary>
    public void ActionButton(string action, string label, string accessibleName, params (string Name, string Value)[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _html.Append("<form method=\"post\" class=\"inline\" action=\"").Append(Attribute(_actionBase + Uri.EscapeDataString(action))).Append("\">");
        _html.Append("<input type=\"hidden\" name=\"").Append(Attribute(_tokenField)).Append("\" value=\"").Append(Attribute(_token)).Append("\">");
        foreach (var (name, value) in fields)
        {
            _html.Append("<input type=\"hidden\" name=\"").Append(Attribute(name)).Append("\" value=\"").Append(Attribute(value)).Append("\">");
        }

        _html.Append("<button type=\"submit\" aria-label=\"").Append(Attribute(accessibleName)).Append("\">")
            .Append(Encoder.Encode(label)).Append("</button></form>");
    }

    /// <summary>Writes a horizontal bar from <paramref name="start"/> to <paramref name="end"/> (fractions of the width).</summary>
    internal void Bar(double start, double end, string tone, string accessibleName)
    {
        var x = Math.Clamp(start, 0, 1) * 1000;
        var width = Math.Max(2, (Math.Clamp(end, 0, 1) * 1000) - x);
        _html.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"bar\" viewBox=\"0 0 1000 10\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{Attribute(accessibleName)}\"><rect class=\"{Attribute(tone)}\" x=\"{x:F1}\" y=\"0\" width=\"{width:F1}\" height=\"10\"></rect></svg>");
    }

    /// <summary>The Control Room's path prefix, e.g. <c>/control</c>.</summary>
    internal string Prefix { get; }

    /// <summary>Writes a link to a page of the Control Room.</summary>
    internal void Link(string relativePath, string text) =>
        _html.Append("<a href=\"").Append(Attribute(Prefix + relativePath)).Append("\">").Append(Encoder.Encode(text)).Append("</a>");

    /// <summary>Writes a link that leaves the Control Room (a runbook); only http(s) addresses are accepted.</summary>
    internal void ExternalLink(Uri target, string text)
    {
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Only http(s) links leave the Control Room; got '{target}'.", nameof(target));
        }

        _html.Append("<a href=\"").Append(Attribute(target.AbsoluteUri)).Append("\" rel=\"noopener noreferrer\">").Append(Encoder.Encode(text)).Append("</a>");
    }

    /// <summary>Writes inline text (inside a cell started with <see cref="BeginCell"/>).</summary>
    internal void Text(string text, string? tone = null)
    {
        _html.Append(tone is null ? "<span>" : $"<span class=\"{Attribute(tone)}\">");
        _html.Append(Encoder.Encode(text)).Append("</span>");
    }

    /// <summary>Writes the form that opens a trace's waterfall by id (a GET: it changes nothing).</summary>
    internal void TraceSearch(string? value)
    {
        _html.Append("<form method=\"get\" class=\"search\" role=\"search\" action=\"").Append(Attribute(Prefix + "/traces")).Append("\">")
            .Append("<label for=\"trace-id\">Trace id</label> ")
            .Append("<input id=\"trace-id\" name=\"traceId\" type=\"text\" inputmode=\"text\" autocomplete=\"off\" spellcheck=\"false\" size=\"34\" maxlength=\"64\" pattern=\"[0-9a-fA-F\\- ]*\" placeholder=\"32 hex digits\" value=\"")
            .Append(Attribute(value ?? string.Empty)).Append("\"> <button type=\"submit\">Show waterfall</button></form>");
    }

    internal void Raw(string html) => _html.Append(html);

    internal static string Attribute(string value) => Encoder.Encode(value);

    internal static string Encode(string value) => Encoder.Encode(value);

    /// <inheritdoc />
    public override string ToString() => _html.ToString();
}
