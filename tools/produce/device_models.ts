/**
 * The building blocks of browser User-Agents as of spring 2020: Chrome builds, OS versions,
 * phone and tablet models. Every list is ordered most popular first (ranks feed Zipf weights).
 */

/** Chrome builds, newest (most used) first. */
export const CHROME_BUILDS: readonly string[] = [
  "83.0.4103.116",
  "83.0.4103.106",
  "83.0.4103.97",
  "83.0.4103.61",
  "81.0.4044.138",
  "81.0.4044.129",
  "81.0.4044.122",
  "81.0.4044.113",
  "80.0.3987.163",
  "80.0.3987.149",
  "80.0.3987.132",
  "80.0.3987.122",
  "79.0.3945.130",
  "79.0.3945.117",
  "78.0.3904.108",
  "77.0.3865.120",
  "76.0.3809.132",
  "75.0.3770.142",
  "74.0.3729.169",
  "73.0.3683.103",
  "72.0.3626.121",
  "71.0.3578.98",
  "70.0.3538.110",
  "69.0.3497.100",
  "67.0.3396.87",
  "65.0.3325.181",
  "61.0.3163.100",
  "49.0.2623.112",
];

/** Windows platform tokens. */
export const WINDOWS: readonly string[] = [
  "Windows NT 10.0; Win64; x64",
  "Windows NT 6.1; Win64; x64",
  "Windows NT 10.0; WOW64",
  "Windows NT 6.3; Win64; x64",
  "Windows NT 6.1; WOW64",
  "Windows NT 10.0",
  "Windows NT 6.1",
  "Windows NT 6.2; Win64; x64",
];

/** macOS versions as Chrome and Safari write them. */
export const MACOS: readonly string[] = [
  "10_15_5",
  "10_15_4",
  "10_14_6",
  "10_15_3",
  "10_13_6",
  "10_12_6",
  "10_11_6",
];

/** Safari version shipped with each macOS version. */
export const MAC_SAFARI: Readonly<Record<string, string>> = {
  "10_15_5": "13.1.1",
  "10_15_4": "13.1",
  "10_14_6": "13.1.1",
  "10_15_3": "13.0.5",
  "10_13_6": "13.1",
  "10_12_6": "12.1.2",
  "10_11_6": "11.1.2",
};

/** Firefox versions, newest first. */
export const FIREFOX: readonly string[] = [
  "77.0",
  "76.0",
  "75.0",
  "68.0",
  "74.0",
  "72.0",
  "73.0",
  "71.0",
  "70.0",
  "69.0",
  "67.0",
  "66.0",
  "65.0",
  "64.0",
  "60.0",
  "56.0",
  "52.0",
  "45.0",
];

/** Firefox platform tokens. */
export const FIREFOX_PLATFORMS: readonly string[] = [
  "Windows NT 10.0; Win64; x64",
  "Windows NT 6.1; Win64; x64",
  "Macintosh; Intel Mac OS X 10.15",
  "Windows NT 6.1",
  "X11; Ubuntu; Linux x86_64",
  "Macintosh; Intel Mac OS X 10.14",
  "X11; Linux x86_64",
];

/** Chromium Edge builds, newest first. */
export const EDGE_BUILDS: readonly string[] = [
  "83.0.478.58",
  "83.0.478.54",
  "83.0.478.45",
  "81.0.416.72",
  "81.0.416.68",
  "81.0.416.64",
  "80.0.361.111",
  "80.0.361.69",
  "79.0.309.71",
];

/** iOS versions (underscored, as in the UA) and the Safari version each ships. */
export const IOS: readonly (readonly [string, string])[] = [
  ["13_5_1", "13.1.1"],
  ["13_5", "13.1.1"],
  ["13_4_1", "13.1"],
  ["13_3_1", "13.0.5"],
  ["13_4", "13.1"],
  ["12_4_7", "12.1.2"],
  ["13_3", "13.0.4"],
  ["12_4_5", "12.1.2"],
  ["13_1_3", "13.0.1"],
  ["12_4", "12.1.2"],
  ["13_2_3", "13.0.3"],
  ["12_3_1", "12.1"],
  ["12_1_4", "12.0"],
  ["11_4_1", "11.0"],
  ["10_3_3", "10.0"],
];

/** iPhone hardware identifiers as in-app browsers report them. */
export const IPHONES: readonly string[] = [
  "iPhone11,8",
  "iPhone12,1",
  "iPhone10,6",
  "iPhone10,4",
  "iPhone11,2",
  "iPhone12,3",
  "iPhone9,3",
  "iPhone10,5",
  "iPhone8,1",
  "iPhone11,6",
];

/** Locales of in-app browsers. */
export const LOCALES: readonly string[] = [
  "de_DE",
  "en_GB",
  "fr_FR",
  "it_IT",
  "es_ES",
  "nl_NL",
  "en_US",
  "sv_SE",
  "pl_PL",
  "de_AT",
];

/** Android builds by Android version (for in-app WebView UAs). */
export const ANDROID_BUILD: Readonly<Record<string, string>> = {
  "10": "QP1A.190711.020",
  "9": "PPR1.180610.011",
  "8.1.0": "OPM1.171019.026",
  "8.0.0": "R16NW",
  "7.0": "NRD90M",
};

/** An Android device model with the Android versions it runs. */
export interface AndroidModel {
  readonly model: string;
  readonly versions: readonly string[];
  readonly tablet: boolean;
  readonly samsung: boolean;
}

const phone = (model: string, ...versions: string[]): AndroidModel => ({
  model,
  versions,
  tablet: false,
  samsung: model.startsWith("SM-"),
});
const tablet = (model: string, ...versions: string[]): AndroidModel => ({
  ...phone(model, ...versions),
  tablet: true,
});

/** Android phones and tablets, most popular first. */
export const ANDROID_MODELS: readonly AndroidModel[] = [
  phone("SM-G973F", "10", "9"),
  phone("SM-A505FN", "10", "9"),
  phone("SM-G960F", "10", "9"),
  phone("SM-G975F", "10", "9"),
  phone("SM-A405FN", "10", "9"),
  phone("SM-G965F", "10", "9"),
  phone("SM-A705FN", "10", "9"),
  phone("SM-N960F", "10", "9"),
  phone("SM-G950F", "9", "8.0.0"),
  phone("SM-A515F", "10"),
  phone("ELE-L29", "10"),
  phone("VOG-L29", "10"),
  phone("ANE-LX1", "9"),
  phone("MAR-LX1A", "10", "9"),
  phone("Redmi Note 8 Pro", "10", "9"),
  phone("SM-G981B", "10"),
  phone("SM-A202F", "10", "9"),
  phone("CLT-L29", "10", "9"),
  phone("Mi 9T", "10", "9"),
  phone("Redmi Note 7", "9"),
  phone("SM-J530F", "9", "8.1.0"),
  phone("POT-LX1", "10", "9"),
  phone("Pixel 3a", "10"),
  phone("SM-A520F", "8.0.0"),
  phone("Redmi Note 8T", "10", "9"),
  phone("SM-G930F", "8.0.0", "7.0"),
  phone("Pixel 4", "10"),
  phone("ONEPLUS A6013", "10"),
  phone("GM1913", "10"),
  phone("moto g(7) power", "10", "9"),
  phone("Mi A2 Lite", "10", "9"),
  phone("Nokia 7.2", "10"),
  phone("Pixel 3", "10"),
  phone("moto g(6)", "9"),
  phone("LM-X420", "9"),
  phone("H8324", "10", "9"),
  phone("CPH1931", "9"),
  tablet("SM-T510", "10", "9"),
  tablet("SM-T590", "9"),
  tablet("SM-P610", "10"),
  tablet("Lenovo TB-X505F", "9"),
];

/** Samsung Internet versions with the Chrome build each embeds. */
export const SAMSUNG_BROWSER: readonly (readonly [string, string])[] = [
  ["12.0", "79.0.3945.136"],
  ["11.2", "75.0.3770.143"],
  ["11.1", "75.0.3770.143"],
  ["10.2", "71.0.3578.99"],
  ["10.1", "71.0.3578.99"],
  ["9.4", "67.0.3396.87"],
  ["9.2", "67.0.3396.87"],
];

/** Facebook app versions (FBAV). */
export const FACEBOOK_APP: readonly string[] = [
  "272.0.0.48.124",
  "271.0.0.52.123",
  "270.0.0.44.119",
  "269.0.0.50.127",
  "268.1.0.54.121",
  "267.1.0.46.120",
];

/** Google app versions on iOS (GSA/). */
export const GOOGLE_APP_IOS: readonly string[] = [
  "115.0.319823728",
  "114.0.317495327",
  "113.0.315064094",
  "112.0.312532311",
  "111.1.309988939",
  "110.0.307262938",
];

/** Google app versions on Android (GSA/). */
export const GOOGLE_APP_ANDROID: readonly string[] = [
  "11.13.8.21",
  "11.12.10.21",
  "11.11.10.21",
  "11.10.9.21",
];

/** Instagram versions with their build numbers. */
export const INSTAGRAM: readonly (readonly [string, string])[] = [
  ["142.0.0.34.110", "214888322"],
  ["141.0.0.30.110", "213368005"],
  ["140.0.0.25.117", "212034516"],
  ["139.0.0.22.120", "210574830"],
];
