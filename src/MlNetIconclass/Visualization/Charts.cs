using System.Globalization;
using SkiaSharp;

namespace MlNetIconclass.Visualization;

/// <summary>A named series of values: a line, a set of bars, or the samples of a histogram.</summary>
public sealed record Series(string Name, IReadOnlyList<double> Values);

/// <summary>
/// Line, bar and histogram charts as PNG, for training reports and notebooks. Drawn with SkiaSharp, which the
/// library already uses for images: ScottPlot 5.1 needs SkiaSharp 3 (which breaks ML.NET's ImageAnalytics 5.0 in the
/// same process), and Plotly.NET 6 needs an FSharp.Core newer than the .NET Interactive kernel served here loads.
/// </summary>
public static class Charts
{
    /// <summary>
    /// Lines over labelled x positions; <paramref name="rightAxis"/> series get a second scale on the right. NaN leaves
    /// a gap.
    /// </summary>
    public static byte[] Lines(
        string title,
        IReadOnlyList<string> x,
        IReadOnlyList<Series> series,
        string xTitle,
        string yTitle,
        IReadOnlyList<Series>? rightAxis = null,
        string rightTitle = ""
    )
    {
        rightAxis ??= [];
        using var chart = new ChartCanvas(title, left: 80, right: rightAxis.Count > 0 ? 80 : 30, bottom: 70);
        var scale = Scale(series);
        chart.ValueAxis(scale, yTitle, rightSide: false);
        var rightScale = rightAxis.Count > 0 ? Scale(rightAxis) : scale;
        if (rightAxis.Count > 0)
            chart.ValueAxis(rightScale, rightTitle, rightSide: true);
        float X(int i) => x.Count <= 1 ? chart.Plot.MidX : chart.Plot.Left + i * chart.Plot.Width / (x.Count - 1);
        int step = Math.Max(1, x.Count / 20);
        for (int i = 0; i < x.Count; i += step)
            chart.BottomLabel(x[i], X(i));
        chart.BottomTitle(xTitle);
        int colour = 0;
        foreach (var (line, lineScale) in series.Select(s => (s, scale)).Concat(rightAxis.Select(s => (s, rightScale))))
            chart.Line(
                line.Values.Select((v, i) => (X(i), double.IsNaN(v) ? (float?)null : chart.Y(v, lineScale))),
                colour++,
                line.Name
            );
        return chart.Png();
    }

    /// <summary>Horizontal bars, one group per category (category names at the left, where long names fit).</summary>
    public static byte[] Bars(
        string title,
        IReadOnlyList<string> categories,
        IReadOnlyList<Series> series,
        string valueTitle
    )
    {
        using var chart = new ChartCanvas(
            title,
            left: 20 + (int)ChartCanvas.TextWidth(categories.DefaultIfEmpty("").MaxBy(c => c.Length)!),
            right: 30,
            bottom: 60,
            height: Math.Max(300, 110 + categories.Count * (12 + 10 * series.Count))
        );
        var scale = Scale(series);
        chart.ValueAxisAlongBottom(scale, valueTitle);
        float band = chart.Plot.Height / Math.Max(1, categories.Count);
        float bar = band * 0.8f / Math.Max(1, series.Count);
        for (int c = 0; c < categories.Count; c++)
        {
            float top = chart.Plot.Top + c * band + band * 0.1f;
            chart.LeftLabel(categories[c], top + band * 0.4f);
            for (int s = 0; s < series.Count; s++)
                chart.HorizontalBar(chart.X(0, scale), chart.X(series[s].Values[c], scale), top + s * bar, bar, s);
        }
        chart.Legend(series.Select(s => s.Name).ToArray());
        return chart.Png();
    }

    /// <summary>Histograms of samples over shared bins, overlaid.</summary>
    public static byte[] Histogram(string title, IReadOnlyList<Series> samples, int bins, string xTitle)
    {
        var all = samples.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double min = all.Min(),
            width = Math.Max(all.Max() - min, 1e-9) / bins;
        var counts = samples
            .Select(s => new Series(
                s.Name,
                Enumerable
                    .Range(0, bins)
                    .Select(b => (double)s.Values.Count(v => Math.Min(bins - 1, (int)((v - min) / width)) == b))
                    .ToArray()
            ))
            .ToArray();
        using var chart = new ChartCanvas(title, left: 80, right: 30, bottom: 70);
        var scale = Scale(counts);
        chart.ValueAxis(scale, "records", rightSide: false);
        float binWidth = chart.Plot.Width / bins;
        for (int b = 0; b <= bins; b += Math.Max(1, bins / 10))
            chart.BottomLabel(
                (min + b * width).ToString("0.##", CultureInfo.InvariantCulture),
                chart.Plot.Left + b * binWidth
            );
        chart.BottomTitle(xTitle);
        for (int s = 0; s < counts.Length; s++)
        for (int b = 0; b < bins; b++)
            chart.VerticalBar(
                chart.Plot.Left + b * binWidth + 1,
                binWidth - 2,
                chart.Y(counts[s].Values[b], scale),
                chart.Y(0, scale),
                s,
                translucent: counts.Length > 1
            );
        chart.Legend(samples.Select(s => s.Name).ToArray());
        return chart.Png();
    }

    /// <summary>
    /// An HTML image element holding the PNG, for notebooks (<c>display(HTML(Charts.Html(png)))</c>).
    /// </summary>
    public static string Html(byte[] png) => $"<img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" />";

    /// <summary>
    /// From zero (or the lowest value) to the highest, widened to a round step so that the five ticks read well.
    /// </summary>
    private static (double Min, double Max) Scale(IEnumerable<Series> series)
    {
        var values = series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double min = Math.Min(0, values.Min()),
            max = Math.Max(values.Max(), min + 1e-9);
        double raw = (max - min) / 5,
            magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(candidate => candidate >= raw);
        return (Math.Floor(min / step) * step, Math.Floor(min / step) * step + 5 * step);
    }
}

/// <summary>The drawing shared by the charts: frame, axes, labels, legend, colours.</summary>
internal sealed class ChartCanvas : IDisposable
{
    private const int Width = 900;
    private static readonly SKColor[] Palette =
    [
        new(0x1f, 0x77, 0xb4),
        new(0xd6, 0x27, 0x28),
        new(0x2c, 0xa0, 0x2c),
        new(0xff, 0x7f, 0x0e),
        new(0x94, 0x67, 0xbd),
        new(0x8c, 0x56, 0x4b),
    ];
    private static readonly SKTypeface Typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;

    private readonly SKBitmap _bitmap;
    private readonly SKCanvas _canvas;
    private readonly SKFont _font = new(Typeface, 13);
    private readonly SKPaint _ink = new() { Color = SKColors.Black, IsAntialias = true };
    private readonly SKPaint _grid = new() { Color = new SKColor(0xe4, 0xe4, 0xe4), StrokeWidth = 1 };
    private readonly List<(string Name, int Colour)> _legend = [];

    public ChartCanvas(string title, int left, int right, int bottom, int height = 500)
    {
        _bitmap = new SKBitmap(Width, height);
        _canvas = new SKCanvas(_bitmap);
        _canvas.Clear(SKColors.White);
        Plot = new SKRect(left, 70, Width - right, height - bottom);
        using var titleFont = new SKFont(Typeface, 16);
        _canvas.DrawText(title, left, 22, titleFont, _ink);
    }

    public SKRect Plot { get; }

    private static readonly SKFont Measurer = new(Typeface, 13);

    public static float TextWidth(string text)
    {
        lock (Measurer)
            return Measurer.MeasureText(text);
    }

    public float Y(double value, (double Min, double Max) scale) =>
        Plot.Bottom - (float)((value - scale.Min) / (scale.Max - scale.Min)) * Plot.Height;

    public float X(double value, (double Min, double Max) scale) =>
        Plot.Left + (float)((value - scale.Min) / (scale.Max - scale.Min)) * Plot.Width;

    public void ValueAxis((double Min, double Max) scale, string title, bool rightSide)
    {
        for (int tick = 0; tick <= 5; tick++)
        {
            double value = scale.Min + (scale.Max - scale.Min) * tick / 5;
            float y = Y(value, scale);
            if (!rightSide)
                _canvas.DrawLine(Plot.Left, y, Plot.Right, y, _grid);
            string label = Format(value);
            _canvas.DrawText(label, rightSide ? Plot.Right + 8 : Plot.Left - 8 - TextWidth(label), y + 4, _font, _ink);
        }
        _canvas.DrawText(title, rightSide ? Plot.Right - TextWidth(title) : Plot.Left, Plot.Top - 8, _font, _ink);
    }

    public void ValueAxisAlongBottom((double Min, double Max) scale, string title)
    {
        for (int tick = 0; tick <= 5; tick++)
        {
            double value = scale.Min + (scale.Max - scale.Min) * tick / 5;
            float x = X(value, scale);
            _canvas.DrawLine(x, Plot.Top, x, Plot.Bottom, _grid);
            BottomLabel(Format(value), x);
        }
        BottomTitle(title);
    }

    public void BottomLabel(string text, float x) =>
        _canvas.DrawText(text, x - TextWidth(text) / 2, Plot.Bottom + 18, _font, _ink);

    public void BottomTitle(string text) =>
        _canvas.DrawText(text, Plot.MidX - TextWidth(text) / 2, Plot.Bottom + 45, _font, _ink);

    public void LeftLabel(string text, float y) =>
        _canvas.DrawText(text, Plot.Left - 8 - TextWidth(text), y + 4, _font, _ink);

    public void Line(IEnumerable<(float X, float? Y)> points, int colour, string name)
    {
        using var line = new SKPaint
        {
            Color = Palette[colour % Palette.Length],
            StrokeWidth = 2.5f,
            IsAntialias = true,
            Style = SKPaintStyle.Stroke,
        };
        using var dot = new SKPaint { Color = Palette[colour % Palette.Length], IsAntialias = true };
        (float X, float Y)? previous = null;
        foreach (var (x, y) in points)
        {
            if (y is not { } value)
            {
                previous = null;
                continue;
            }
            if (previous is { } p)
                _canvas.DrawLine(p.X, p.Y, x, value, line);
            _canvas.DrawCircle(x, value, 3f, dot);
            previous = (x, value);
        }
        _legend.Add((name, colour));
    }

    public void HorizontalBar(float from, float to, float top, float thickness, int colour)
    {
        using var fill = new SKPaint { Color = Palette[colour % Palette.Length] };
        _canvas.DrawRect(SKRect.Create(Math.Min(from, to), top, Math.Abs(to - from), thickness), fill);
    }

    public void VerticalBar(float left, float width, float top, float bottom, int colour, bool translucent)
    {
        using var fill = new SKPaint
        {
            Color = Palette[colour % Palette.Length].WithAlpha(translucent ? (byte)140 : (byte)255),
        };
        _canvas.DrawRect(SKRect.Create(left, Math.Min(top, bottom), width, Math.Abs(bottom - top)), fill);
    }

    public void Legend(IReadOnlyList<string> names)
    {
        if (names.Count > 1)
            _legend.AddRange(names.Select((name, i) => (name, i)));
    }

    public byte[] Png()
    {
        using (var frame = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Stroke })
            _canvas.DrawRect(Plot, frame);
        float x = Plot.Left + 10;
        foreach (var (name, colour) in _legend)
        {
            using var swatch = new SKPaint { Color = Palette[colour % Palette.Length], StrokeWidth = 4 };
            _canvas.DrawLine(x, 40, x + 22, 40, swatch);
            _canvas.DrawText(name, x + 27, 44, _font, _ink);
            x += 50 + TextWidth(name);
        }
        using var image = SKImage.FromBitmap(_bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static string Format(double value) =>
        Math.Abs(value) >= 1000
            ? value.ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _font.Dispose();
        _ink.Dispose();
        _grid.Dispose();
        _canvas.Dispose();
        _bitmap.Dispose();
    }
}
