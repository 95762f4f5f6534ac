add_multiarch_image(my.app_v2+x-1 REPOSITORY 127.0.0.1:5000/app PLATFORMS linux/arm/v7)
