/** Where the console is served. */
export const consolePath = '/__motia/'
