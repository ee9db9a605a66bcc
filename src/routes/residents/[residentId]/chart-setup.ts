/**
 * chart.js with only the parts the vital-sign charts draw, and the luxon date adapter (which lets the
 * time axis run in the site's zone). Loaded with a dynamic import by VitalChart, so no other page, and
 * not this page's first paint, carries it.
 */
import { Chart, LineController, LineElement, LinearScale, PointElement, TimeScale, Tooltip } from 'chart.js';
import 'chartjs-adapter-luxon';

Chart.register(LineController, LineElement, PointElement, LinearScale, TimeScale, Tooltip);

export { Chart };
