namespace Fal.Reactive.Emulator.Imaging;

/// <summary>The stand-in for a generated image: a two-axis colour gradient whose colours come from a seed.</summary>
internal static class GradientImage
{
    public static byte[] CreatePng(int width, int height, long seed)
    {
        // Three base colours from the seed's bytes, so different prompts give visibly different images.
        var r0 = (byte)seed;
        var g0 = (byte)(seed >> 8);
        var b0 = (byte)(seed >> 16);
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            var dy = y * 255 / Math.Max(1, height - 1);
            for (var x = 0; x < width; x++)
            {
                var dx = x * 255 / Math.Max(1, width - 1);
                var i = ((y * width) + x) * 3;
                rgb[i] = (byte)(r0 + dx);
                rgb[i + 1] = (byte)(g0 + dy);
                rgb[i + 2] = (byte)(b0 + ((dx + dy) / 2));
            }
        }

        return PngEncoder.Encode(width, height, rgb);
    }
}
