using System.Net;

namespace Bulwark.Drills.Targets;

/// <summary>
/// The one gate every drill target passes: loopback only (127.0.0.0/8, ::1, <c>localhost</c>). Host names other than
/// <c>localhost</c> are refused without a DNS lookup, and connections are checked again at the socket.
/// </summary>
public static class LoopbackTarget
{
    /// <summary>Whether <paramref name="address"/> is a loopback address (IPv4-mapped IPv6 included).</summary>
    public static bool IsLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
    }

    /// <summary>Whether <paramref name="host"/> (an IP literal or a host name) names this machine's loopback.</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var trimmed = host.Trim('[', ']');
        if (string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(trimmed, out var address) && IsLoopback(address);
    }

    /// <summary>Returns <paramref name="target"/> when it is an absolute http(s) URI on loopback; throws otherwise.</summary>
    /// <exception cref="NonLoopbackTargetException">The target is not on loopback.</exception>
    public static Uri Ensure(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{target}' is not an absolute http:// URI; give one such as http://127.0.0.1:5100.", nameof(target));
        }

        return IsLoopbackHost(target.Host) ? target : throw new NonLoopbackTargetException(target.ToString());
    }

    /// <summary>Returns <paramref name="endPoint"/> when it is a loopback IP endpoint; throws otherwise.</summary>
    /// <exception cref="NonLoopbackTargetException">The endpoint is not on loopback.</exception>
    public static IPEndPoint Ensure(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return IsLoopback(endPoint.Address) ? endPoint : throw new NonLoopbackTargetException(endPoint.ToString());
    }

    /// <summary>Parses <paramref name="text"/> as an absolute URI and checks it with <see cref="Ensure(Uri)"/>.</summary>
    /// <exception cref="NonLoopbackTargetException">The target is not on loopback.</exception>
    public static Uri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri)
            ? Ensure(uri)
            : throw new ArgumentException($"'{text}' is not an absolute URI; give one such as http://127.0.0.1:5100.", nameof(text));
    }
}
