using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.Edge.Proxy;

/// <summary>Fills a path template's <c>{name}</c>, <c>{*name}</c> and <c>{**name}</c> from the matched route values.</summary>
internal static class PathTemplate
{
    public static PathString Render(string template, RouteValueDictionary values)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
        {
            return new PathString(template);
        }

        var builder = new StringBuilder(template.Length + 16);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0)
            {
                builder.Append(template, i, template.Length - i);
                break;
            }

            var close = template.IndexOf('}', open);
            builder.Append(template, i, open - i);
            var name = template[(open + 1)..close].TrimStart('*');
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            name = colon >= 0 ? name[..colon] : name;
            var value = Convert.ToString(values.GetValueOrDefault(name), CultureInfo.InvariantCulture) ?? string.Empty;
            // Routing never puts a '/' in a single-segment value, and PathString escapes what the URL needs.
            builder.Append(value);
            i = close + 1;
        }

        return new PathString(builder.ToString());
    }
}
